"""The Django admin for every domain app, registered here (Django's autodiscovery imports
this module): the admin is a staff screen, so it lives above the models it shows."""

from backoffice.admin import (  # noqa: F401
    accounts,
    billing,
    bookings,
    patients,
    places,
    professionals,
)
