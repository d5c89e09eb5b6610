"""`manage.py bench` on a tiny data set, without gunicorn: it measures what it says and
writes the JSON runs are compared by; and it refuses anything but PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tyreso_it.core.bench import report

pytestmark = pytest.mark.django_db

TINY = ["--orders", "60", "--departments", "2", "--users", "70", "--services", "6",
        "--projects", "3", "--meetings", "3", "--requests", "1", "--warmup", "0",
        "--pages", "order_list,order_list_deep,order_detail_long",
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

    scaling = {(row["check"], row["role"]): row for row in result["query_scaling"]}
    assert set(scaling[("order list", "orderer")]["counts"]) == {
        "10 rows", "25 rows", "100 rows"}
    assert scaling[("order page", "orderer")]["same"] is True

    services = {row["service"]: row for row in result["services"]}
    assert {"order_submit", "order_take_on", "minutes_sign_apply"} <= set(services)
    assert services["order_submit"]["n"] == 2
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
    from tyreso_it.core.management.commands.bench import _cache_in_use

    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": redis}}
    assert _cache_in_use() == f"Redis at {redis}"
    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    assert "NOT reachable" in _cache_in_use()
