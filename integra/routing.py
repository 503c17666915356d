"""The websocket routes: the staff calendar's stream and the portal's. They live with the
project, above the apps whose consumers they join (as integra/urls.py does for pages)."""

from django.urls import path

from backoffice.consumers import StaffCalendarConsumer
from portal.consumers import PortalStreamConsumer

websocket_urlpatterns: list = [
    path("ws/calendar/", StaffCalendarConsumer.as_asgi()),
    path("ws/portal/", PortalStreamConsumer.as_asgi()),
]
