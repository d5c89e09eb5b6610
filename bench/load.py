"""Throughput under load: gunicorn on the loopback, a load generator in this process.

The server is gunicorn with sync workers, started from the project's virtualenv with the
benchmark's environment (its database); the load generator is asyncio with plain sockets (the
standard library only), `connections` requests in flight at a time, each on a new connection
(sync workers close every connection). Logged-in users are sessions written to the database
the way a login writes them, sent as the session cookie. Memory is read from
/proc/<pid>/status of the gunicorn workers: VmRSS as the load runs and VmHWM, the peak.
Everything is bounded: by the duration, by the number of connections, and to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.utils.module_loading import import_string

from organisation.models import User

from .measure import summary

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def session_cookie(user: User) -> str:
    """A logged-in session for `user`, as the login view would have made it."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that logs people in: the first that can read a user back (the login
    # throttle's, first in the list, authenticates no one).
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user"))
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# --- the server ---------------------------------------------------------------------------------


def server_environment() -> dict[str, str]:
    """What gunicorn needs to serve the database this process uses, with the benchmark's
    URLconf (the bare list): bench.settings over the settings this process runs with."""
    current = os.environ.get("DJANGO_SETTINGS_MODULE") or "tyreso_it.settings"
    base = (os.environ.get("BENCH_BASE_SETTINGS") or "tyreso_it.settings"
            if current == "bench.settings" else current)
    database = connection.settings_dict
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    login = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "127.0.0.1"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_BASE_SETTINGS": base,
        "DATABASE_URL": f"postgres://{login}{host}{port}/{quote(database['NAME'], safe='')}",
    }


class Server:
    """gunicorn serving the project on a free loopback port."""

    def __init__(self, *, workers: int = 2, log_dir: Path, timeout: int = 60):
        self.workers = workers
        self.timeout = timeout
        self.port = free_port()
        self.log = log_dir / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "DEBUG": "false", **server_environment()}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn) if gunicorn.exists() else sys.executable,
            *([] if gunicorn.exists() else ["-m", "gunicorn"]),
            "tyreso_it.wsgi:application", "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers), "--worker-class", "sync",
            "--timeout", str(self.timeout),
            "--log-level", "warning", "--error-logfile", str(self.log),
        ]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        # What the app logs (a server error's traceback) goes to the same file.
        with self.log.open("ab") as errors:
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
                command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL,
                stderr=errors, start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    pass
                if len(self.worker_pids()) >= self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within a minute; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def memory(self) -> dict[int, dict[str, int]]:
        """VmRSS and VmHWM (kB) of each worker."""
        found = {}
        for pid in self.worker_pids():
            try:
                lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            except OSError:
                continue
            values = {}
            for line in lines:
                key, _sep, rest = line.partition(":")
                if key in {"VmRSS", "VmHWM"}:
                    values[key] = int(rest.split()[0])
            found[pid] = values
        return found

    def cpu_seconds(self) -> float:
        """User and system CPU the workers have used so far, in seconds."""
        return sum(_process_cpu(pid) for pid in self.worker_pids())


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # utime and stime, the 14th and 15th fields of stat (counted from the pid).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy (not idle) since boot."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle and iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU per request over a run: the web workers' own, and the whole machine's (PostgreSQL,
    Redis and the load generator included, and whatever else runs). On a shared machine these
    are steadier than requests per second, which the other programs slow."""

    def __init__(self, server: Server):
        self.server = server
        self.workers = server.cpu_seconds()
        self.machine = _machine_busy_seconds()
        self.generator = time.process_time()

    def per_request(self, requests: int) -> dict[str, Any]:
        if not requests:
            return {}
        def ms(seconds: float) -> float:
            return round(seconds * 1000 / requests, 2)
        return {
            "workers_ms": ms(self.server.cpu_seconds() - self.workers),
            "machine_ms": ms(_machine_busy_seconds() - self.machine),
            "load_generator_ms": ms(time.process_time() - self.generator),
        }


# --- the load generator ---------------------------------------------------------------------------


@dataclass
class Request:
    name: str
    path: str
    cookie: str
    method: str = "GET"
    body: dict[str, str] | None = None
    csrf: str = ""
    expect: tuple[int, ...] = (200,)


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    count: int = 0
    seconds: float = 0.0

    def note_error(self, name: str, text: str) -> None:
        self.errors[name] = self.errors.get(name, 0) + 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{name}: {text}")


def _raw(request: Request, port: int) -> bytes:
    headers = [
        f"{request.method} {request.path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "Connection: close",
        "User-Agent: tyreso-it-bench",
    ]
    cookie = request.cookie
    payload = b""
    if request.method == "POST":
        cookie += f"; {settings.CSRF_COOKIE_NAME}={request.csrf}"
        headers.append(f"X-CSRFToken: {request.csrf}")
        payload = urlencode(request.body or {}).encode()
        headers += ["Content-Type: application/x-www-form-urlencoded",
                    f"Content-Length: {len(payload)}"]
    headers.append(f"Cookie: {cookie}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + payload


async def _one(request: Request, port: int) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(_raw(request, port))
        await writer.drain()
        data = await reader.read()  # the server closes the connection after the response
    finally:
        writer.close()
    head, _sep, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, len(body)


async def _run(choose, port: int, connections: int, timeout: float,
               another: Callable[[], bool]) -> Outcome:
    """Requests chosen by `choose`, `connections` in flight, while `another()` says so."""
    outcome = Outcome()

    async def worker() -> None:
        while another():
            request = choose()
            started = time.perf_counter()
            try:
                status, _size = await asyncio.wait_for(_one(request, port), timeout)
            except (OSError, TimeoutError, ValueError, IndexError) as exc:
                outcome.note_error(request.name, f"{type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            outcome.count += 1
            if status not in request.expect:
                outcome.note_error(request.name, f"HTTP {status} for {request.path}")
                continue
            outcome.latencies.setdefault(request.name, []).append(elapsed)

    started = time.monotonic()
    await asyncio.gather(*(worker() for _n in range(connections)))
    outcome.seconds = time.monotonic() - started
    return outcome


def run_load(choose, *, port: int, connections: int, seconds: float,
             timeout: float = 30.0) -> Outcome:
    """Requests for `seconds`, `connections` of them in flight at a time."""
    stop_at = time.monotonic() + seconds
    return asyncio.run(_run(choose, port, connections, timeout,
                            lambda: time.monotonic() < stop_at))


def run_requests(choose, *, port: int, connections: int, total: int,
                 timeout: float = 30.0) -> Outcome:
    """`total` requests, `connections` of them in flight at a time."""
    left = iter(range(total))
    return asyncio.run(_run(choose, port, connections, timeout,
                            lambda: next(left, None) is not None))


def report(outcome: Outcome) -> dict[str, Any]:
    every = [ms for samples in outcome.latencies.values() for ms in samples]
    errors = sum(outcome.errors.values())
    return {
        "requests": outcome.count,
        "seconds": round(outcome.seconds, 1),
        "requests_per_second": round((len(every) + errors) / outcome.seconds, 1)
        if outcome.seconds else None,
        "ok_per_second": round(len(every) / outcome.seconds, 1) if outcome.seconds else None,
        "errors": errors,
        "errors_by_request": outcome.errors,
        "error_samples": outcome.error_samples,
        "latency": summary(every),
        "by_request": {name: summary(samples) for name, samples in
                       sorted(outcome.latencies.items())},
    }


# --- the runs ------------------------------------------------------------------------------------


@dataclass
class LoadPlan:
    """Who is logged in and what each kind of request asks for."""

    cookies: dict[str, str]
    orders: dict[str, list[int]]
    comment_orders: list[int]
    meeting_id: int | None
    service_ids: list[int]
    extra_paths: dict[str, str]
    #: Who may open each of the extra pages (measured in process); none known: the IT chief.
    extra_access: dict[str, set[str]] = field(default_factory=dict)


def mixed_chooser(plan: LoadPlan, rng: random.Random):
    """Lists, pages, search and writes, weighted roughly as people use them."""
    from django.urls import reverse

    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret, sent as cookie and header
    searches = ["lokalbokningen", "B-20", "schema", "e-arkivet", "diariet", "Ny e-tjänst"]
    roles = list(plan.cookies)

    def choose() -> Request:
        role = rng.choice(roles)
        cookie = plan.cookies[role]
        draw = rng.random()
        if draw < 0.30:
            page = rng.choice(("", "?page=2", "?page=40", "?status=in_preparation",
                               "?sort=changed&kind=change"))
            return Request("list", reverse("orders:list") + page, cookie)
        if draw < 0.42:
            term = quote_plus(rng.choice(searches))
            return Request("search", reverse("orders:list") + f"?q={term}", cookie)
        if draw < 0.62 and plan.orders.get(role):
            pk = rng.choice(plan.orders[role])
            return Request("order", reverse("orders:detail", args=[pk]), cookie)
        if draw < 0.70:
            return Request("home", reverse("home"), cookie)
        if draw < 0.80:
            choice = rng.random()
            if choice < 0.4 or not plan.service_ids:
                return Request("catalogue", reverse("servicecatalog:service_list"), cookie)
            if choice < 0.8:
                pk = rng.choice(plan.service_ids)
                return Request("service", reverse("servicecatalog:service", args=[pk]), cookie)
            return Request("systemmap", reverse("servicecatalog:systemmap"), cookie)
        if draw < 0.90 and plan.extra_paths:
            name, path = rng.choice(sorted(plan.extra_paths.items()))
            allowed = plan.extra_access.get(name) or {"it_chief"}
            who = role if role in allowed else (
                "it_chief" if "it_chief" in allowed else sorted(allowed)[0])
            return Request(name, path, plan.cookies[who])
        if draw < 0.90:
            return Request("home", reverse("home"), cookie)
        # Writes: a comment on an order of the orderer's department.
        pk = rng.choice(plan.comment_orders)
        return Request("comment", reverse("orders:comment_add", args=[pk]),
                       plan.cookies["orderer"], method="POST",
                       body={"body": "Vi har stämt av med verksamheten."}, csrf=csrf,
                       expect=(302,))

    return choose


def list_chooser(plan: LoadPlan):
    from django.urls import reverse

    path = reverse("orders:list")
    cookie = plan.cookies["orderer"]

    def choose() -> Request:
        return Request("list", path, cookie)

    return choose


def measure_http(plan: LoadPlan, *, seconds: float, soak: float, connections: int,
                 workers: int, log_dir: Path, seed: int = 7, log=print) -> dict[str, Any]:
    """The order list's throughput, then the mixed load, on one gunicorn; memory of both."""
    result: dict[str, Any] = {"workers": workers, "connections": connections,
                              "server": "gunicorn (sync workers)",
                              "load_generator": "asyncio, standard library"}
    with Server(workers=workers, log_dir=log_dir) as server:
        warm = mixed_chooser(plan, random.Random(seed))
        run_load(warm, port=server.port, connections=2, seconds=min(10.0, seconds / 2 + 2))
        start_memory = server.memory()
        log(f"  list throughput: {connections} connections for {seconds:g} s")
        meter = CpuMeter(server)
        listing = run_load(list_chooser(plan), port=server.port, connections=connections,
                           seconds=seconds)
        result["list"] = report(listing)
        result["list"]["cpu_per_request"] = cpu = meter.per_request(listing.count)
        log(f"    {result['list']['ok_per_second']} requests/s, "
            f"{result['list']['errors']} errors, p95 {result['list']['latency']['p95_ms']} ms; "
            f"CPU per request: web workers {cpu.get('workers_ms')} ms, whole machine "
            f"{cpu.get('machine_ms')} ms")
        samples = []
        mixed_memory_start = server.memory()
        mixed = None
        if soak > 0:
            log(f"  mixed load: {connections} connections for {soak:g} s")
            choose = mixed_chooser(plan, random.Random(seed + 1))
            meter = CpuMeter(server)
            stop_at = time.monotonic() + soak
            outcomes = []
            # In slices, to follow the workers' memory as the load goes on.
            while time.monotonic() < stop_at - 0.5:
                slice_seconds = min(30.0, soak / 4, stop_at - time.monotonic())
                outcomes.append(run_load(choose, port=server.port, connections=connections,
                                         seconds=slice_seconds))
                samples.append({"at_s": round(soak - (stop_at - time.monotonic()), 1),
                                "rss_kb": sum(m.get("VmRSS", 0) for m in
                                              server.memory().values())})
            mixed = _merge(outcomes)
            result["mixed"] = report(mixed)
            result["mixed"]["cpu_per_request"] = meter.per_request(mixed.count)
            result["mixed"]["duration_s"] = soak
            mixed_report = result["mixed"]
            log(f"    {mixed_report['ok_per_second']} requests/s, {mixed_report['errors']} "
                f"errors, p95 {mixed_report['latency']['p95_ms']} ms")
        end_memory = server.memory()
        alive = server.process.poll() is None
    result["memory"] = _memory(start_memory, mixed_memory_start, end_memory, samples)
    result["server_alive"] = alive
    log(f"    workers' peak {result['memory']['peak_mb']} MB, growth over the mixed load "
        f"{result['memory']['growth_percent']} % after its first slice")
    return result


def _merge(outcomes: list[Outcome]) -> Outcome:
    merged = Outcome()
    for outcome in outcomes:
        for name, samples in outcome.latencies.items():
            merged.latencies.setdefault(name, []).extend(samples)
        for name, count in outcome.errors.items():
            merged.errors[name] = merged.errors.get(name, 0) + count
        merged.error_samples += outcome.error_samples[: 10 - len(merged.error_samples)]
        merged.count += outcome.count
        merged.seconds += outcome.seconds
    return merged


def _memory(start, mixed_start, end, samples) -> dict[str, Any]:
    def mb(kb: float) -> float:
        return round(kb / 1024, 1)

    peak = max((m.get("VmHWM", 0) for m in end.values()), default=0)
    workers = sorted(set(mixed_start) & set(end))
    jump = growth = None
    if workers:
        before = sum(mixed_start[pid]["VmRSS"] for pid in workers)
        after = sum(end[pid]["VmRSS"] for pid in workers)
        jump = round((after - before) * 100 / before, 1) if before else None
    if samples:
        # Growth as the load goes on: from the end of its first slice, when every kind of
        # page has been served (the first of the largest pages raises the workers' memory
        # once, to their working size), to the end. A leak shows here; that one step does not.
        first = samples[0]["rss_kb"]
        growth = round((samples[-1]["rss_kb"] - first) * 100 / first, 1) if first else None
    return {
        "peak_mb": mb(peak),
        "rss_after_warmup_mb": {str(pid): mb(m.get("VmRSS", 0)) for pid, m in start.items()},
        "rss_before_mixed_mb": {str(pid): mb(m.get("VmRSS", 0)) for pid, m in
                                mixed_start.items()},
        "rss_end_mb": {str(pid): mb(m.get("VmRSS", 0)) for pid, m in end.items()},
        "growth_percent": growth,
        "growth_from_before_mixed_percent": jump,
        "workers_replaced": sorted(set(start) ^ set(end)) != [],
        "rss_samples": samples,
    }
