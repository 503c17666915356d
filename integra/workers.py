"""A fixed set of long-lived threads for Django's synchronous code under daphne.

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

from asgiref.sync import ThreadSensitiveContext


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
