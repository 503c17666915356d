"""Reception's and the manager's screens: the live calendar, professionals, policies,
billing and exports, and the Django admin. An interface app: it composes the domain apps
(scheduling, billing, professionals, accounts) and nothing below imports it."""
