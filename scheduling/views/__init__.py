"""Backoffice calendar views: the pages (pages.py) and the small staff-only endpoints that
change bookings through the booking service (bookings.py)."""
