"""`manage.py bench` on a tiny data set, without gunicorn: it measures what it says and
writes the JSON runs are compared by; and it refuses anything but PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench import report

pytestmark = pytest.mark.django_db

TINY = ["--orders", "60", "--departments", "2", "--users", "70", "--services", "6",
        "--projects", "3", "--meetings", "3", "--requests", "1", "--warmup", "0",
        "--pages", "order_list,order_list_deep,order_detail_long,api_orders",
        "--writes", "2", "--meetings-signed", "1", "--meeting-items", "3", "--no-http"]


@pytest.mark.postgres
def test_the_benchmark_measures_and_writes_its_figures(tmp_path, capsys):
    call_command("bench", *TINY, "--output", str(tmp_path))
    result = json.loads((tmp_path / "bench-latest.json").read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.glob("bench-2*.json")]

    assert result["dataset"]["size"]["orders"] == 60
    assert result["dataset"]["counts"]["orders"] == 62
    pages = {(p["page"], p["role"]): p for p in result["pages"]}
    listing = pages[("order_list", "orderer")]
    assert listing["status"] == 200 and listing["n"] == 1
    assert listing["median_ms"] > 0 and listing["queries"] > 0
    assert {c["target"] for c in listing["checks"]} == {"page", "list queries"}
    assert {c["target"] for c in pages[("order_list_deep", "orderer")]["checks"]} == {
        "page", "deep page", "list queries"}
    assert pages[("order_detail_long", "it_chief")]["queries"] > 0
    assert ("order_detail_long", "provider") not in pages  # not a role of that page
    api = pages[("api_orders", "orderer")]
    assert api["status"] == 200 and api["median_ms"] > 0
    assert {c["target"] for c in api["checks"]} == {"page", "list queries"}

    scaling = {(row["check"], row["role"]): row for row in result["query_scaling"]}
    assert set(scaling[("order list", "orderer")]["counts"]) == {
        "10 rows", "25 rows", "100 rows"}
    assert scaling[("order page", "orderer")]["same"] is True

    services = {row["service"]: row for row in result["services"]}
    assert {"order_submit", "order_take_on", "minutes_sign_apply"} <= set(services)
    assert services["order_submit"]["n"] == 2
    retention = result["retention"]
    assert retention["run_ms"] > 0 and retention["second_run_done"] == 0
    assert {c["target"]: c["ok"] for c in retention["checks"]} == {
        "retention dry run": True, "retention run": True, "legal hold": True}
    assert result["http"] == {"note": "not measured (--no-http)"}
    assert result["summary"]["checks"] == len(report.all_checks(result))

    printed = capsys.readouterr().out
    assert "Pages (server time in process, ms)" in printed
    assert "Targets met:" in printed


def test_the_benchmark_refuses_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("bench", "--no-http")


def test_each_figure_is_marked_against_its_target():
    pages = [
        {"page": "order_list", "role": "orderer", "kind": "list", "median_ms": 20.0,
         "p95_ms": 40.0, "queries": 8},
        {"page": "order_list_deep", "role": "orderer", "kind": "list", "median_ms": 30.0,
         "p95_ms": 50.0, "queries": 9},
        {"page": "dashboard", "role": "it_chief", "kind": "dashboard", "median_ms": 150.0,
         "p95_ms": 190.0, "queries": 20},
    ]
    report.page_checks(pages)
    marks = {(p["page"], c["target"]): c["ok"] for p in pages for c in p["checks"]}
    assert marks == {
        ("order_list", "page"): True, ("order_list", "list queries"): True,
        ("order_list_deep", "page"): True, ("order_list_deep", "deep page"): False,
        ("order_list_deep", "list queries"): False, ("dashboard", "dashboard"): True,
    }
    http = {"list": {"ok_per_second": 120.0, "errors": 0},
            "mixed": {"errors": 0, "duration_s": 600},
            "memory": {"peak_mb": 150.0, "growth_percent": 3.5}}
    report.http_checks(http)
    assert [c["ok"] for c in http["checks"]] == [True, True, True]


def test_the_report_says_whether_the_redis_it_measures_with_answers(settings, redis):
    from bench.management.commands.bench import _cache_in_use

    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": redis}}
    assert _cache_in_use() == f"Redis at {redis}"
    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    assert "NOT reachable" in _cache_in_use()


@pytest.mark.postgres
def test_exports_only_measures_the_exports_and_nothing_else(tmp_path, monkeypatch):
    from bench import exports

    asked = []

    def measured(cookie, *, log_dir, log):
        asked.append((cookie, log_dir))
        return {"formats": {
            "csv": {"status": 200, "bytes": 10_000_000, "lines": 60_001, "rows": 60_000,
                    "seconds": 12.5, "first_byte_s": 0.3, "rss_before_mb": 98.0,
                    "peak_mb": 104.0, "growth_mb": 6.0},
            "xlsx": {"status": 200, "bytes": 4_000_000, "lines": 0, "seconds": 31.0,
                     "first_byte_s": 30.9, "rss_before_mb": 98.0, "peak_mb": 130.0,
                     "growth_mb": 32.0}}}

    monkeypatch.setattr(exports, "measure_exports", measured)
    call_command("bench", *[a for a in TINY if a != "--no-http"], "--exports-only",
                 "--output", str(tmp_path))
    result = json.loads((tmp_path / "bench-latest.json").read_text(encoding="utf-8"))
    assert "pages" not in result and "services" not in result and "http" not in result
    assert len(asked) == 1 and "=" in asked[0][0]  # the IT chief's session cookie
    marks = {(fmt, c["target"]): c["ok"] for fmt, row in result["exports"]["formats"].items()
             for c in row["checks"]}
    assert marks == {("csv", "export time"): True, ("csv", "export memory"): True,
                     ("xlsx", "export time"): False, ("xlsx", "export memory"): True}
    assert result["summary"]["checks"] == 4 and result["summary"]["met"] == 3


def test_the_export_client_reads_the_body_as_it_comes():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from bench import exports

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            self.wfile.write(b"\xef\xbb\xbfRubrik\r\n")
            for number in range(50_000):
                self.wfile.write(f"Rad {number}\r\n".encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        fetched = exports.fetch(server.server_address[1], "/bestallningar/export.csv",
                                "sessionid=x")
    finally:
        server.shutdown()
        server.server_close()
    assert fetched["status"] == 200
    assert fetched["lines"] == 50_001
    assert fetched["bytes"] == len(b"\xef\xbb\xbfRubrik\r\n") + sum(
        len(f"Rad {n}\r\n") for n in range(50_000))
    assert fetched["seconds"] >= fetched["first_byte_s"] >= 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_http_run_prints_each_page_against_the_bare_list(tmp_path, capsys):
    """gunicorn serves the data set with the benchmark's URLconf; every key page and the bare
    list are requested over HTTP. What is asserted is that the figures are there, not what
    they are: the timings belong to the machine."""
    tiny = TINY[: TINY.index("--pages")]
    call_command("bench", *tiny, "--http", "--ratio-requests", "4", "--ratio-rounds", "1",
                 "--ratio-connections", "2", "--workers", "1", "--output", str(tmp_path))
    result = json.loads((tmp_path / "bench-latest.json").read_text(encoding="utf-8"))
    assert "pages" not in result and "services" not in result and "exports" not in result

    rows = {row["page"]: row for row in result["ratios"]["pages"]}
    assert list(rows) == ["bare", "order_list", "order_detail", "dashboard", "home"]
    for row in rows.values():
        assert row["errors"] == 0, row["error_samples"]
        assert row["requests"] == 4
        assert row["median_ms"] > 0 and row["p95_ms"] >= row["median_ms"]
        assert row["cpu_ms"] is not None
    assert rows["bare"]["median_ratio"] == 1.0
    assert {page: row["target_cpu_ratio"] for page, row in rows.items()
            if "target_cpu_ratio" in row} == {"order_list": 1.3, "order_detail": 3.0,
                                              "dashboard": 4.0}
    assert result["summary"]["checks"] == 3

    printed = capsys.readouterr().out
    assert "Pages against the bare list over HTTP" in printed
    for page in ("bare", "order_list", "order_detail", "dashboard", "home"):
        assert f"\n{page} " in printed


@pytest.mark.postgres
def test_api_retention_measures_the_api_and_retention_and_nothing_else(tmp_path, capsys):
    tiny = TINY[: TINY.index("--pages")]
    call_command("bench", *tiny, "--api-retention", "--output", str(tmp_path))
    result = json.loads((tmp_path / "bench-latest.json").read_text(encoding="utf-8"))
    assert "services" not in result and "query_scaling" not in result
    assert "exports" not in result and "ratios" not in result
    assert {p["page"] for p in result["pages"]} == {"api_orders"}
    assert all(p["status"] == 200 for p in result["pages"])
    assert [c["target"] for c in result["retention"]["checks"]] == [
        "retention dry run", "retention run", "legal hold"]
    assert result["summary"]["checks"] == 2 * len(result["pages"]) + 3

    printed = capsys.readouterr().out
    assert "Retention with every rule at a year" in printed
    assert "✓ legal hold: " in printed


def test_a_slow_retention_run_or_a_touched_hold_is_marked_missed():
    retention = {"dry_run_ms": 31_000.0, "dry_run_schedule_ms": 500.0, "run_ms": 100_000.0,
                 "second_run_ms": 900.0, "second_run_done": 0, "batches": 200,
                 "planned": {"history": 10}, "done": {"history": 10}, "rule_ms": {},
                 "held_orders": 50, "held_rows": 900, "held_untouched": False}
    report.retention_checks(retention)
    assert {c["target"]: c["ok"] for c in retention["checks"]} == {
        "retention dry run": False, "retention run": True, "legal hold": False}
    retention["second_run_done"] = 3
    report.retention_checks(retention)
    assert retention["checks"][1]["ok"] is False


def test_http_goes_with_neither_no_http_nor_exports_only():
    with pytest.raises(CommandError, match="--http"):
        call_command("bench", "--http", "--no-http")


@pytest.mark.postgres
def test_the_profile_says_where_each_pages_time_goes(tmp_path, capsys, settings):
    settings.ROOT_URLCONF = "bench.urls"  # the bare list is one of the pages
    tiny = TINY[: TINY.index("--pages")]
    call_command("bench", *tiny, "--profile", "--requests", "2", "--warmup", "1",
                 "--output", str(tmp_path))
    result = json.loads((tmp_path / "bench-latest.json").read_text(encoding="utf-8"))
    assert "ratios" not in result and "pages" not in result

    rows = {row["page"]: row for row in result["profile"]}
    assert list(rows) == ["bare", "order_list", "order_detail", "dashboard", "home"]
    assert all(row["status"] == 200 for row in rows.values())
    assert rows["bare"]["queries"] < rows["order_list"]["queries"] < rows["dashboard"]["queries"]
    for row in rows.values():
        assert 99 <= sum(row["percent"].values()) <= 101
    assert "PostgreSQL round trips (psycopg)" in rows["dashboard"]["percent"]
    assert "Where the time goes" in capsys.readouterr().out


def test_profile_goes_with_nothing_else_that_measures():
    with pytest.raises(CommandError, match="--profile"):
        call_command("bench", "--profile", "--http")
