"""The key pages as ratios to a bare Django list, over real HTTP (`manage.py bench --http`).

Absolute milliseconds depend on the machine and on whatever else it runs at the hour; a ratio
to a page measured in the same run, on the same server and data, much less. gunicorn (sync
workers) serves the product with the benchmark's URLconf, which adds the bare list
(bench/views.py: the orders of the person's departments, one indexed query, 25 rows, a plain
template, behind the same middleware, session and login). The load generator keeps
`connections` requests in flight.

The pages are measured in rounds, each page's requests in turn with the bare list's, so that
a busy minute of the machine weighs on both alike. For each page:

- CPU per request: the web workers' user and system time (/proc/<pid>/stat, utime + stime)
  over its requests, divided by their number; the whole machine's beside it.
- Wall time: the median and the 95th percentile of the requests as the load generator saw
  them (queueing behind the other requests in flight included).

Each figure is also given as a ratio to the bare list's, and the CPU ratios have targets.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.urls import reverse

from orders.models import Order
from portfolio.dashboard import percentile

from .load import CpuMeter, Request, Server, run_requests, session_cookie
from .measure import Context

#: The pages' CPU per request against the bare list's (issue 14).
TARGETS = {"order_list": 1.3, "order_detail": 3.0, "dashboard": 4.0}


@dataclass(frozen=True)
class RatioPage:
    key: str
    label: str
    role: str
    paths: Callable[[Context], list[str]]


def _orders_of(role: str, count: int = 20) -> Callable[[Context], list[str]]:
    def paths(context: Context) -> list[str]:
        ids = list(
            Order.objects.visible_to(context.users[role])
            .exclude(Q(status=Order.Status.DRAFT))
            .order_by("-pk").values_list("pk", flat=True)[:count]
        )
        return [reverse("orders:detail", args=[pk]) for pk in ids]

    return paths


def _path(name: str) -> Callable[[Context], list[str]]:
    # The server's URLconf (bench.urls), whatever this process's is.
    return lambda context: [reverse(name, urlconf="bench.urls")]


BARE = RatioPage("bare", "Bare Django list (one indexed query, 25 rows, plain template)",
                 "orderer", _path("bench_bare_list"))
PAGES = [
    RatioPage("order_list", "Order list, first page", "orderer", _path("orders:list")),
    RatioPage("order_detail", "Order page (the department's 20 latest orders in turn)",
              "orderer", _orders_of("orderer")),
    RatioPage("dashboard", "IT chief's dashboard", "it_chief", _path("portfolio:dashboard")),
    RatioPage("home", "Start page", "orderer", _path("home")),
]


def _chooser(page: RatioPage, paths: list[str], cookie: str):
    cycle = itertools.cycle(paths)

    def choose() -> Request:
        return Request(page.key, next(cycle), cookie)

    return choose


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return round(value / base, 2)


def measure_ratios(context: Context, *, requests: int = 200, rounds: int = 3,
                   connections: int = 4, workers: int = 2, warmup: int = 20,
                   log_dir: Path, log=print) -> dict[str, Any]:
    """Every page of PAGES and the bare list, `requests` requests each in each of `rounds`
    rounds on one gunicorn; the figures and their ratios to the bare list's."""
    cookies = {role: session_cookie(context.users[role])
               for role in {page.role for page in [BARE, *PAGES]}}
    measured = [BARE, *PAGES]
    paths = {page.key: page.paths(context) for page in measured}
    samples: dict[str, dict[str, Any]] = {
        page.key: {"latencies": [], "requests": 0, "errors": 0, "error_samples": [],
                   "workers_s": 0.0, "machine_s": 0.0}
        for page in measured
    }
    result: dict[str, Any] = {
        "server": f"gunicorn, {workers} sync workers",
        "connections": connections, "requests_per_round": requests, "rounds": rounds,
        "baseline": BARE.key,
    }
    with Server(workers=workers, log_dir=log_dir) as server:
        for page in measured:
            if paths[page.key]:
                run_requests(_chooser(page, paths[page.key], cookies[page.role]),
                             port=server.port, connections=connections,
                             total=max(warmup, workers))
        for number in range(rounds):
            log(f"  round {number + 1} of {rounds}: {requests} requests a page, "
                f"{connections} in flight")
            for page in measured:
                if not paths[page.key]:
                    continue
                meter = CpuMeter(server)
                outcome = run_requests(_chooser(page, paths[page.key], cookies[page.role]),
                                       port=server.port, connections=connections,
                                       total=requests)
                cpu = meter.per_request(outcome.count)
                row = samples[page.key]
                row["latencies"] += outcome.latencies.get(page.key, [])
                row["requests"] += outcome.count
                row["errors"] += sum(outcome.errors.values())
                row["error_samples"] += outcome.error_samples[: 5 - len(row["error_samples"])]
                row["workers_s"] += cpu.get("workers_ms", 0) * outcome.count / 1000
                row["machine_s"] += cpu.get("machine_ms", 0) * outcome.count / 1000
    rows = []
    for page in measured:
        row = samples[page.key]
        done = row["requests"]
        rows.append({
            "page": page.key, "label": page.label, "role": page.role,
            "requests": done, "errors": row["errors"], "error_samples": row["error_samples"],
            "cpu_ms": _ms(row["workers_s"] * 1000 / done) if done else None,
            "machine_cpu_ms": _ms(row["machine_s"] * 1000 / done) if done else None,
            "median_ms": _ms(percentile(row["latencies"], 0.5)),
            "p95_ms": _ms(percentile(row["latencies"], 0.95)),
        })
    base = rows[0]
    for row in rows:
        row["cpu_ratio"] = _ratio(row["cpu_ms"], base["cpu_ms"])
        row["median_ratio"] = _ratio(row["median_ms"], base["median_ms"])
        row["p95_ratio"] = _ratio(row["p95_ms"], base["p95_ms"])
        if row["page"] in TARGETS:
            row["target_cpu_ratio"] = TARGETS[row["page"]]
        if not paths[row["page"]]:
            row["note"] = "not measured: no such object in the data set"
        log(f"  {row['page']:<14} CPU {row['cpu_ms']} ms ({row['cpu_ratio']} ×), "
            f"median {row['median_ms']} ms ({row['median_ratio']} ×), "
            f"p95 {row['p95_ms']} ms ({row['p95_ratio']} ×), {row['errors']} errors")
    result["pages"] = rows
    return result
