from django.urls import path

from . import consumers

# The live-update consumers join here (backoffice calendar; the portal's comes later).
websocket_urlpatterns: list = [
    path("ws/calendar/", consumers.StaffCalendarConsumer.as_asgi()),
]
