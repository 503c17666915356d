"""ASGI entry point: HTTP and websockets from one daphne process."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integra.settings")
django.setup(set_prefix=False)

from integra.workers import BoundedThreads, OneTripHandler  # noqa: E402

django_asgi_app = OneTripHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from integra.routing import websocket_urlpatterns  # noqa: E402

if settings.DEBUG:
    # daphne does not serve /static/; in development (dev.py run) Django does.
    django_asgi_app = ASGIStaticFilesHandler(django_asgi_app)

application = ProtocolTypeRouter(
    {
        "http": BoundedThreads(django_asgi_app, settings.ASGI_THREADS),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
