"""The export of every order the IT chief sees, as CSV and as XLSX, through gunicorn.

Each format is fetched from a gunicorn of its own with one sync worker, so the worker's
memory is the export's: its resident size after a warm-up request (the order list), and its
peak (VmHWM) once the whole file has been received. The time is the client's, from sending
the request to the last byte; the client reads the body as it comes and keeps only its
count of bytes and lines. The worker's timeout is raised above the target so that a slow
export is timed, not killed; production's gunicorn kills a request after 30 s.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

from django.urls import reverse

from .load import HOST, Server


def fetch(port: int, path: str, cookie: str, *, timeout: float = 600.0) -> dict[str, Any]:
    """GET `path` over HTTP/1.0 (the body ends when the server closes), reading it as it
    comes: the status, the body's bytes and lines, and the seconds to the last byte."""
    request = (f"GET {path} HTTP/1.0\r\nHost: {HOST}:{port}\r\nCookie: {cookie}\r\n"
               "User-Agent: tyreso-it-bench\r\n\r\n").encode()
    started = time.perf_counter()
    first_byte = None
    head, in_head = b"", True
    body_bytes = lines = 0
    with socket.create_connection((HOST, port), timeout=timeout) as connection:
        connection.sendall(request)
        while chunk := connection.recv(256 * 1024):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            if in_head:
                head += chunk
                if b"\r\n\r\n" not in head:
                    continue
                head, _sep, chunk = head.partition(b"\r\n\r\n")
                in_head = False
            body_bytes += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    status_line = head.split(b"\r\n", 1)[0].split()
    status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    return {"status": status, "bytes": body_bytes, "lines": lines,
            "seconds": round(seconds, 2),
            "first_byte_s": round(first_byte, 2) if first_byte is not None else None}


def measure_exports(cookie: str, *, log_dir: Path, formats: tuple[str, ...] = ("csv", "xlsx"),
                    log=print) -> dict[str, Any]:
    """Every order the cookie's person (the IT chief) sees, in each of `formats`."""
    result: dict[str, Any] = {"server": "gunicorn, one sync worker per format",
                              "formats": {}}
    for fmt in formats:
        path = reverse("orders:export", args=[fmt])
        with Server(workers=1, log_dir=log_dir, timeout=600) as server:
            # The worker's first request loads the application: not the export's memory.
            fetch(server.port, reverse("orders:list"), cookie)
            before = _worker(server)
            log(f"  {fmt}: every order the IT chief sees ({path})")
            fetched = fetch(server.port, path, cookie)
            after = _worker(server)
        row = {
            **fetched,
            "rss_before_mb": _mb(before.get("VmRSS")),
            "peak_mb": _mb(after.get("VmHWM")),
            "growth_mb": _mb((after.get("VmHWM") or 0) - (before.get("VmRSS") or 0))
            if after.get("VmHWM") and before.get("VmRSS") else None,
        }
        if fmt == "csv":
            row["rows"] = max(0, fetched["lines"] - 1)  # the header line
        result["formats"][fmt] = row
        log(f"    HTTP {row['status']}, {row['bytes'] / 1e6:.1f} MB in {row['seconds']} s "
            f"(first byte after {row['first_byte_s']} s); worker {row['rss_before_mb']} MB "
            f"before, peak {row['peak_mb']} MB")
    return result


def _worker(server: Server) -> dict[str, int]:
    memory = server.memory()
    return next(iter(memory.values()), {})


def _mb(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)
