"""A URL configuration for the ASGI handler's tests: the project's URLs plus a streaming
view (the project has none yet, but the handler must send and close one correctly) and a
view that notes which thread ran it."""

import threading

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

from integra.urls import urlpatterns as project_urlpatterns

CLOSED: list[bool] = []
VIEW_THREADS: list[int] = []


class Parts:
    """Three parts of a body, and a note of being closed (after the last was sent)."""

    async def __aiter__(self):
        for part in (b"first,", b"second,", b"third"):
            yield part

    def close(self):
        CLOSED.append(True)


def streamed(request):
    return StreamingHttpResponse(Parts(), content_type="text/plain")


def where(request):
    VIEW_THREADS.append(threading.get_ident())
    return HttpResponse("here")


urlpatterns = [path("streamed/", streamed), path("where/", where), *project_urlpatterns]
