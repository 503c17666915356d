"""integra.asgi's application with Django's own ASGI handler in place of OneTripHandler
(same BoundedThreads, same routes): the control bench/bench_handler.py compares with."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integra.settings")
django.setup(set_prefix=False)

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402

from integra.workers import BoundedThreads  # noqa: E402

application = ProtocolTypeRouter({"http": BoundedThreads(ASGIHandler(), settings.ASGI_THREADS)})
