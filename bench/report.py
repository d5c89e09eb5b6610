"""The benchmark's targets (issue 7), each figure marked against its target, the printed table
and the JSON written for comparing runs."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

#: Server time of a page, ms.
PAGE_MEDIAN_MS = 40
PAGE_P95_MS = 100
DASHBOARD_P95_MS = 200
#: A page deep in the list against the first page (median).
DEEP_PAGE_RATIO = 1.2
LIST_QUERIES = 8
DETAIL_QUERIES = 15
SERVICE_P95_MS = 60
LIST_RPS = 100
MEMORY_GROWTH_PERCENT = 10
PEAK_MB = 200
#: Exporting every order the IT chief sees (issue 5): gunicorn's timeout is 30 s.
EXPORT_SECONDS = 30
EXPORT_PEAK_MB = 200
#: Retention (issue 16): the dry run is a page (records:dry_run), so within gunicorn's
#: timeout; the run is the nightly task, so within its soft time limit
#: (CELERY_TASK_SOFT_TIME_LIMIT); both with the schedule shortened to a year.
RETENTION_DRY_RUN_S = 30
RETENTION_RUN_S = 240

TARGETS = {
    "page": f"median < {PAGE_MEDIAN_MS} ms, p95 < {PAGE_P95_MS} ms",
    "dashboard": f"p95 < {DASHBOARD_P95_MS} ms",
    "deep page": f"median ≤ {DEEP_PAGE_RATIO} × the first page's",
    "list queries": f"≤ {LIST_QUERIES} SQL queries",
    "detail queries": f"≤ {DETAIL_QUERIES} SQL queries",
    "queries flat": "the same for 10, 25, 100 rows and for 0 or 100 comments",
    "service": f"p95 < {SERVICE_P95_MS} ms",
    "list throughput": f"≥ {LIST_RPS} requests/s with no error",
    "mixed load": f"no error, web worker memory growing < {MEMORY_GROWTH_PERCENT} %",
    "peak memory": f"web worker peak < {PEAK_MB} MB",
    "export time": f"every order in < {EXPORT_SECONDS} s",
    "export memory": f"web worker peak < {EXPORT_PEAK_MB} MB",
    "retention dry run": f"< {RETENTION_DRY_RUN_S} s (a page, gunicorn's timeout)",
    "retention run": f"< {RETENTION_RUN_S} s (the nightly task's soft time limit), "
                     "a second run acting on nothing",
    "legal hold": "nothing of an order under a legal hold touched by the run",
    "CPU ratio": "CPU per request ≤ the target × the bare list's (over HTTP, same run)",
}


def check(name: str, ok: bool | None, figure: str) -> dict[str, Any]:
    return {"target": name, "wanted": TARGETS[name], "figure": figure, "ok": ok}


def mark(ok: bool | None) -> str:
    return "–" if ok is None else ("✓" if ok else "✗")


# --- checks -----------------------------------------------------------------------------------


def page_checks(pages: list[dict[str, Any]]) -> None:
    """Add each page's checks to it (in place)."""
    first = {(p["role"]): p for p in pages if p["page"] == "order_list" and p.get("median_ms")}
    for page in pages:
        checks = page.setdefault("checks", [])
        if page.get("median_ms") is None:
            continue
        median, p95 = page["median_ms"], page["p95_ms"]
        if page["kind"] == "dashboard":
            checks.append(check("dashboard", p95 < DASHBOARD_P95_MS, f"p95 {p95} ms"))
        else:
            checks.append(check("page", median < PAGE_MEDIAN_MS and p95 < PAGE_P95_MS,
                                f"median {median} ms, p95 {p95} ms"))
        if page["page"] == "order_list_deep" and page.get("ratio_to_first_page"):
            # Timed in turn with the first page (measure.compare_pages).
            ratio = page["ratio_to_first_page"]
            checks.append(check("deep page", ratio <= DEEP_PAGE_RATIO,
                                f"{ratio} × ({page['paired_median_ms']} against "
                                f"{page['first_page_median_ms']} ms, requested in turn)"))
        elif page["page"] == "order_list_deep" and page["role"] in first:
            base = first[page["role"]]["median_ms"]
            ratio = round(median / base, 2) if base else None
            checks.append(check("deep page", ratio is not None and ratio <= DEEP_PAGE_RATIO,
                                f"{ratio} × ({median} against {base} ms)"))
        if page["kind"] == "list":
            checks.append(check("list queries", page["queries"] <= LIST_QUERIES,
                                f"{page['queries']} queries"))
        if page["kind"] == "detail":
            checks.append(check("detail queries", page["queries"] <= DETAIL_QUERIES,
                                f"{page['queries']} queries"))


def scaling_checks(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        figures = ", ".join(f"{name}: {c['queries']}" for name, c in row["counts"].items())
        row["checks"] = [check("queries flat", row["same"], figures)]


def service_checks(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        row["checks"] = []
        if row["service"].startswith("order_"):
            row["checks"].append(check("service", row["p95_ms"] < SERVICE_P95_MS,
                                       f"p95 {row['p95_ms']} ms"))


def http_checks(http: dict[str, Any]) -> None:
    checks = []
    listing = http.get("list")
    if listing:
        checks.append(check(
            "list throughput",
            listing["ok_per_second"] >= LIST_RPS and listing["errors"] == 0,
            f"{listing['ok_per_second']} requests/s, {listing['errors']} errors",
        ))
    mixed = http.get("mixed")
    memory = http.get("memory", {})
    if mixed:
        growth = memory.get("growth_percent")
        checks.append(check(
            "mixed load",
            mixed["errors"] == 0 and growth is not None and growth < MEMORY_GROWTH_PERCENT,
            f"{mixed['errors']} errors, memory {growth:+} % over {mixed['duration_s']:g} s "
            f"after its first slice"
            if growth is not None else f"{mixed['errors']} errors",
        ))
    if memory:
        checks.append(check("peak memory", memory["peak_mb"] < PEAK_MB,
                            f"{memory['peak_mb']} MB"))
    http["checks"] = checks


def ratio_checks(ratios: dict[str, Any]) -> None:
    """Mark each page that has a target against the bare list (in place)."""
    for row in ratios.get("pages", []):
        row["checks"] = []
        target = row.get("target_cpu_ratio")
        if target is None:
            continue
        ratio = row.get("cpu_ratio")
        checks = check("CPU ratio", None if ratio is None else ratio <= target and
                       not row["errors"],
                       f"{ratio} × (wanted ≤ {target} ×), {row['cpu_ms']} ms against "
                       f"{ratios['pages'][0]['cpu_ms']} ms, {row['errors']} errors")
        checks["wanted"] = f"CPU per request ≤ {target} × the bare list's"
        row["checks"].append(checks)


def export_checks(exports: dict[str, Any]) -> None:
    """Add each format's checks to it (in place)."""
    for row in exports.get("formats", {}).values():
        ok = row["status"] == 200
        row["checks"] = [
            check("export time", ok and row["seconds"] < EXPORT_SECONDS,
                  f"{row['seconds']} s" + ("" if ok else f" (HTTP {row['status']})")),
            check("export memory", None if row["peak_mb"] is None
                  else ok and row["peak_mb"] < EXPORT_PEAK_MB,
                  f"peak {row['peak_mb']} MB ({row['growth_mb']} MB above the worker's "
                  f"{row['rss_before_mb']} MB before)"),
        ]


def retention_checks(retention: dict[str, Any]) -> None:
    """Add the retention measurement's checks to it (in place)."""
    dry, run = retention["dry_run_ms"] / 1000, retention["run_ms"] / 1000
    done = sum(retention["done"].values())
    retention["checks"] = [
        check("retention dry run", dry < RETENTION_DRY_RUN_S,
              f"{dry:.1f} s ({sum(retention['planned'].values())} planned; the schedule as "
              f"it stands {retention['dry_run_schedule_ms'] / 1000:.1f} s)"),
        check("retention run",
              run < RETENTION_RUN_S and retention["second_run_done"] == 0,
              f"{run:.1f} s ({done} acted on in {retention['batches']} batches), second "
              f"run {retention['second_run_ms'] / 1000:.1f} s acting on "
              f"{retention['second_run_done']}"),
    ]
    if "held_untouched" in retention:
        retention["checks"].append(check(
            "legal hold", retention["held_untouched"],
            f"{retention['held_orders']} orders held, their {retention['held_rows']} rows "
            + ("untouched" if retention["held_untouched"] else "TOUCHED")))


def all_checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for page in result.get("pages", []):
        for item in page.get("checks", []):
            found.append({**item, "what": f"{page['page']} / {page['role']}"})
    for row in result.get("query_scaling", []):
        for item in row.get("checks", []):
            found.append({**item, "what": f"{row['check']} / {row['role']}"})
    for row in result.get("services", []):
        for item in row.get("checks", []):
            found.append({**item, "what": row["service"]})
    for item in result.get("http", {}).get("checks", []):
        found.append({**item, "what": "gunicorn"})
    for row in result.get("ratios", {}).get("pages", []):
        for item in row.get("checks", []):
            found.append({**item, "what": f"{row['page']} / {row['role']} against the bare list"})
    for fmt, row in result.get("exports", {}).get("formats", {}).items():
        for item in row.get("checks", []):
            found.append({**item, "what": f"export {fmt}"})
    for item in result.get("retention", {}).get("checks", []):
        found.append({**item, "what": "retention"})
    return found


def summarise(result: dict[str, Any]) -> None:
    checks = all_checks(result)
    result["summary"] = {
        "checks": len(checks),
        "met": sum(1 for c in checks if c["ok"]),
        "missed": [f"{c['what']}: {c['figure']} (wanted {c['wanted']})"
                   for c in checks if c["ok"] is False],
    }


# --- output -----------------------------------------------------------------------------------


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    for row in cells:
        out.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(out)


def _marks(checks: list[dict[str, Any]]) -> str:
    return " ".join(f"{mark(c['ok'])} {c['target']}" for c in checks)


def text(result: dict[str, Any]) -> str:
    parts = []
    data = result.get("dataset", {})
    counts = data.get("counts", {})
    parts.append(
        f"Data set: {counts.get('orders', '?')} orders, {counts.get('order_history', '?')} "
        f"order history rows, {counts.get('events', '?')} transitions, "
        f"{counts.get('comments', '?')} comments, {counts.get('users', '?')} users, "
        f"{counts.get('departments', '?')} departments; "
        + ("reused" if data.get("reused") else f"built in {data.get('build_seconds')} s")
    )
    host = result.get("host", {})
    parts.append(f"Machine: {host.get('cpus')} CPUs, load average at start "
                 f"{host.get('load_average')}, PostgreSQL {host.get('postgresql')}, "
                 f"cache: {host.get('cache', 'not recorded')}")
    pages = result.get("pages", [])
    if pages:
        rows = []
        for page in pages:
            if page.get("median_ms") is None:
                rows.append([page["page"], page["role"], "", "", "", "", page.get("note", "")])
                continue
            rows.append([page["page"], page["role"], page["median_ms"], page["p95_ms"],
                         page.get("cpu_median_ms"), page["queries"], _marks(page["checks"])])
        parts.append("Pages (server time in process, ms)\n" + _table(
            ["page", "role", "median", "p95", "cpu", "queries", "targets"], rows))
    scaling = result.get("query_scaling", [])
    if scaling:
        rows = [[row["check"], row["role"], ", ".join(
            f"{n}: {c['queries']}" for n, c in row["counts"].items()), _marks(row["checks"])]
            for row in scaling]
        parts.append("Query counts against rows and history\n" + _table(
            ["page", "role", "queries", "target"], rows))
    services = result.get("services", [])
    if services:
        rows = [[row["service"], row["median_ms"], row["p95_ms"], row["n"],
                 _marks(row["checks"])] for row in services]
        parts.append("Services (ms)\n" + _table(["service", "median", "p95", "n", "target"],
                                                rows))
    http = result.get("http")
    if http and http.get("list"):
        rows = []
        for name in ("list", "mixed"):
            run = http.get(name)
            if run:
                cpu = run.get("cpu_per_request", {})
                rows.append([name, run["seconds"], run["ok_per_second"], run["errors"],
                             run["latency"]["median_ms"], run["latency"]["p95_ms"],
                             cpu.get("workers_ms", ""), cpu.get("machine_ms", "")])
        memory = http["memory"]
        parts.append(
            f"HTTP: gunicorn, {http['workers']} sync workers, {http['connections']} "
            "connections\n"
            + _table(["load", "seconds", "req/s", "errors", "p50 ms", "p95 ms",
                      "CPU/req web", "CPU/req machine"], rows)
            + "\n(CPU per request in ms: the web workers' own, and the whole machine's with "
            "PostgreSQL, Redis and the load generator)"
            + f"\nworkers' peak memory {memory['peak_mb']} MB; memory over the mixed load "
            f"{memory['growth_percent']} % after its first slice "
            f"({memory.get('growth_from_before_mixed_percent')} % from before it)\n"
            + _marks(http["checks"])
        )
    elif http:
        parts.append(f"HTTP: {http.get('note', 'not measured')}")
    ratios = result.get("ratios")
    if ratios and ratios.get("pages"):
        rows = [[row["page"], row["role"], row["requests"], row["errors"], row["cpu_ms"],
                 row["cpu_ratio"], row["median_ms"], row["median_ratio"], row["p95_ms"],
                 row["p95_ratio"], row["machine_cpu_ms"], _marks(row.get("checks", []))]
                for row in ratios["pages"]]
        parts.append(
            f"Pages against the bare list over HTTP ({ratios['server']}, "
            f"{ratios['connections']} requests in flight, {ratios['rounds']} rounds of "
            f"{ratios['requests_per_round']} requests a page)\n"
            + _table(["page", "role", "requests", "errors", "CPU ms", "CPU ×", "p50 ms",
                      "p50 ×", "p95 ms", "p95 ×", "machine CPU ms", "target"], rows)
            + "\n(CPU: the web workers' per request; × the ratio to the bare list's; machine "
            "CPU with PostgreSQL, Redis and the load generator)")
    elif ratios:
        parts.append(f"Pages against the bare list: {ratios.get('note', 'not measured')}")
    profile = result.get("profile")
    if profile:
        names = list(dict.fromkeys(name for row in profile for name in row["percent"]))
        rows = [[name, *(row["percent"].get(name, "") for row in profile)] for name in names]
        rows.append(["SQL queries", *(row["queries"] for row in profile)])
        rows.append(["ms a request, profiled", *(row["ms_per_request"] for row in profile)])
        parts.append(
            "Where the time goes, % (in process under cProfile: wall time, waits included)\n"
            + _table(["", *(f"{row['page']} ({row['role']})" for row in profile)], rows))
    exports = result.get("exports", {})
    if exports.get("formats"):
        rows = [[fmt, row["status"], row.get("rows", ""), round(row["bytes"] / 1e6, 1),
                 row["seconds"], row["first_byte_s"], row["rss_before_mb"], row["peak_mb"],
                 row["growth_mb"], _marks(row["checks"])]
                for fmt, row in exports["formats"].items()]
        parts.append(
            "Exports: every order the IT chief sees, through gunicorn (one sync worker)\n"
            + _table(["format", "HTTP", "rows", "MB", "seconds", "first byte s",
                      "worker MB before", "worker peak MB", "growth MB", "targets"], rows))
    elif exports:
        parts.append(f"Exports: {exports.get('note', 'not measured')}")
    retention = result.get("retention", {})
    if retention.get("checks"):
        rows = [[kind, retention["planned"].get(kind, ""), retention["done"].get(kind, ""),
                 retention["rule_ms"].get(kind, "")] for kind in retention["planned"]]
        parts.append(
            "Retention with every rule at a year (in one transaction, rolled back)\n"
            + _table(["rule", "planned", "done", "run ms"], rows)
            + "\n" + "\n".join(f"{mark(c['ok'])} {c['target']}: {c['figure']}"
                                for c in retention["checks"]))
    summary = result.get("summary", {})
    if summary:
        lines = [f"Targets met: {summary['met']} of {summary['checks']}"]
        lines += [f"  ✗ {miss}" for miss in summary["missed"]]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def write(result: dict[str, Any], directory: Path) -> Path:
    """Write bench-<timestamp>.json and bench-latest.json; returns the first."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 - a local file name
    path = directory / f"bench-{stamp}.json"
    content = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    path.write_text(content, encoding="utf-8")
    (directory / "bench-latest.json").write_text(content, encoding="utf-8")
    return path
