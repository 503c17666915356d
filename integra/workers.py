"""How HTTP requests run Django's synchronous code under daphne: on a fixed set of
long-lived threads (BoundedThreads), in one trip to the thread each (OneTripHandler).

Django's ASGI handler gives every HTTP request a thread of its own for the synchronous
parts (middleware, views, the ORM), and Django keeps one database connection per thread.
Under load that means a new PostgreSQL connection per request, connections left open by
threads that are gone, and finally "too many clients". Here every request borrows one of
`size` threads for its whole life instead: at most `size` requests per process run Django
code at once (the rest wait their turn on the event loop, which costs nothing), and each
thread keeps its database connection across requests, so `CONN_MAX_AGE` can reuse it.

Why not a plain thread pool: a request's synchronous steps must all run on the same
thread (Django's "thread sensitive" calls), so each slot is an executor with exactly one
thread, handed to asgiref's `ThreadSensitiveContext`, which Django's own context nests in.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix


class BoundedThreads:
    """ASGI middleware: run each HTTP request's synchronous code on one of `size` threads."""

    def __init__(self, app, size: int) -> None:
        if size < 1:
            raise ValueError("BoundedThreads needs at least one thread")
        self.app = app
        self.size = size
        self._executors = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"django-{n}") for n in range(size)
        ]
        self._free: asyncio.Queue | None = None

    def _queue(self) -> asyncio.Queue:
        # Created on first use, inside the server's event loop.
        if self._free is None:
            self._free = asyncio.Queue()
            for executor in self._executors:
                self._free.put_nowait(executor)
        return self._free

    def close_connections(self) -> None:
        """Close the database connections the threads hold (tests, orderly shutdown)."""
        from django.db import connections

        for executor in self._executors:
            executor.submit(connections.close_all).result()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        free = self._queue()
        executor = await free.get()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            free.put_nowait(executor)


class OneTripHandler(ASGIHandler):
    """Django's ASGI handler, with each HTTP request's Django part run in one trip to a
    thread.

    Django's own handler builds an asynchronous middleware chain; ours is synchronous (as
    most middleware is), so Django hops between the event loop and a thread several times
    per request: into the middleware, out again to resolve the view, in again for CSRF's
    `process_view` and for the view, and once more for each signal with a synchronous
    receiver (`close_old_connections`). Every hop is a thread switch and a GIL hand-over,
    and under load each one waits its turn. Here the body is read on the event loop, then
    the started signal, middleware, view and, for an ordinary response, the finished
    signal run in one call on the request's thread; the response is written on the event
    loop. A streaming response is closed after it has been sent, as Django does.

    What it leaves out of Django's handler: the task that listens for a disconnect while
    the view runs, which could only cancel asynchronous views (ours are synchronous).

    What it buys (bench/bench_handler.py, docs/benchmarks.md, side by side with Django's
    handler on 2 cores): 2.40 → 1.21 ms of daphne CPU and 436 → 831 requests/s for a
    request that reaches no database (a 401), 7.45 → 6.46 ms and 141 → 161/s for the login
    page; with BoundedThreads it took the booking API from 50 to 99 bookings/s. What it
    costs: `handle` is Django's ASGIHandler.handle rewritten, and it
    calls that class's undocumented helpers (read_body, create_request, send_response,
    chunk_size). tests/integra/test_django_contract.py pins each of them and the source of
    the `handle` it replaces, so a Django upgrade that changes any fails there by name
    instead of here at run time."""

    def __init__(self) -> None:
        # Django's own __init__ (it builds the asynchronous middleware chain), then the
        # synchronous chain this handler runs in one trip; the first is simply unused.
        super().__init__()
        self.load_middleware(is_async=False)

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:
                pass  # the client went away while we answered
            if response.streaming:
                await sync_to_async(response.close, thread_sensitive=True)()
        finally:
            body_file.close()

    def _respond(self, scope, body_file):
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            # The body is in memory: finish here, on the thread that owns the request's
            # database connection (request_finished gives it back).
            response.close()
        return response
