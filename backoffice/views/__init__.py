"""Reception's and the manager's pages and the small staff-only endpoints behind them: the
calendar (pages, bookings, cancellations, payments), the policies, the professionals and
billing. Every write goes through its domain service."""
