from django.urls import path

from portal.consumers import PortalStreamConsumer

from . import consumers

# The live-update consumers join here: the backoffice calendar's and the portal's.
websocket_urlpatterns: list = [
    path("ws/calendar/", consumers.StaffCalendarConsumer.as_asgi()),
    path("ws/portal/", PortalStreamConsumer.as_asgi()),
]
