from django.urls import path  # noqa: F401

# The live-update consumers join here (backoffice calendar, portal).
websocket_urlpatterns: list = []
