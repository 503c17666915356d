"""The professional's pages. Every view is behind `portal.access.professional_required`
and fetches bookings only through the permission-scoped helpers."""
