"""A small keep-alive HTTP/1.1 load client on asyncio streams.

Cheap per request (no HTTP library), so on a 2-core machine the server, not the client,
gets the CPU. Used by the benchmark scripts; runs in its own process."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Result:
    status: int
    seconds: float
    body: bytes


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    wall_seconds: float = 0.0

    def latencies_ms(self, status: int | None = None) -> list[float]:
        return sorted(r.seconds * 1000 for r in self.results if status in (None, r.status))

    def statuses(self) -> Counter:
        return Counter(r.status for r in self.results)


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def summary(values: list[float]) -> str:
    if not values:
        return "n=0"
    return (
        f"n={len(values)} median={statistics.median(values):.1f} ms "
        f"p95={percentile(values, 0.95):.1f} ms p99={percentile(values, 0.99):.1f} ms "
        f"max={values[-1]:.1f} ms"
    )


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(chunks)
    else:
        body = await reader.read()
    return status, body


async def _worker(host, port, queue: asyncio.Queue, run: Run, headers: dict[str, str]):
    reader, writer = await asyncio.open_connection(host, port)
    fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    try:
        while True:
            try:
                method, path, payload = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            body = json.dumps(payload).encode() if payload is not None else b""
            request = (
                f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{fixed}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status, response = await _read_response(reader)
            run.results.append(Result(status, time.perf_counter() - started, response))
    finally:
        writer.close()


async def drive(
    host: str,
    port: int,
    requests: list[tuple[str, str, dict | None]],
    concurrency: int,
    headers: dict[str, str],
) -> Run:
    """Send `requests` over `concurrency` keep-alive connections, as fast as answered."""
    queue: asyncio.Queue = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    run = Run()
    started = time.perf_counter()
    await asyncio.gather(*(_worker(host, port, queue, run, headers) for _ in range(concurrency)))
    run.wall_seconds = time.perf_counter() - started
    return run
