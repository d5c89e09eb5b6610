"""`manage.py bench`: the benchmark of issue 7 on its own PostgreSQL database.

Builds (or reuses) a realistic data set, measures the key pages for each role in process,
the write services, the key pages against a bare Django list over HTTP (bench/ratio.py),
throughput and memory under load with gunicorn, and the export of every order as CSV and XLSX
through gunicorn, prints a table and writes it as JSON to var/bench/. `--http` measures only
the pages against the bare list, `--profile` only profiles them (bench/profiling.py),
`--api-retention` measures only the REST API's orders list and retention. It
reports; it never fails on a missed target.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bench import api, database, measure, report
from bench import retention as retention_bench
from bench.dataset import Size, generate


class Command(BaseCommand):
    help = ("Benchmark at scale: build or reuse a data set of --orders orders on PostgreSQL, "
            "then measure pages, services and throughput. Use a database of its own "
            "(make bench uses tyreso_it_bench).")

    def add_arguments(self, parser):
        size = Size()
        parser.add_argument("--orders", type=int, default=size.orders)
        parser.add_argument("--years", type=int, default=size.years)
        parser.add_argument("--departments", type=int, default=size.departments)
        parser.add_argument("--users", type=int, default=size.users)
        parser.add_argument("--services", type=int, default=size.services)
        parser.add_argument("--projects", type=int, default=size.projects)
        parser.add_argument("--meetings", type=int, default=size.meetings)
        parser.add_argument("--seed", type=int, default=size.seed)
        parser.add_argument("--fresh", action="store_true",
                            help="drop and rebuild the data set even if it matches")
        parser.add_argument("--data-only", action="store_true",
                            help="build or check the data set, measure nothing")
        parser.add_argument("--requests", type=int, default=30,
                            help="timed requests per page and role (after the warm-up)")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--pages", default="",
                            help="comma-separated page keys to measure (default: all)")
        parser.add_argument("--writes", type=int, default=40,
                            help="orders submitted and moved to time the services")
        parser.add_argument("--meetings-signed", type=int, default=3,
                            help="meetings whose minutes are signed to time the justering")
        parser.add_argument("--meeting-items", type=int, default=10,
                            help="orders decided at each of those meetings")
        parser.add_argument("--no-services", action="store_true")
        parser.add_argument("--http", action="store_true",
                            help="measure only the key pages against the bare list over "
                                 "HTTP (gunicorn): CPU per request and time, as ratios")
        parser.add_argument("--profile", action="store_true",
                            help="profile the pages of the --http run in process: their "
                                 "queries and where their time goes")
        parser.add_argument("--ratio-requests", type=int, default=200,
                            help="requests a page in each round of the ratio run")
        parser.add_argument("--ratio-rounds", type=int, default=3,
                            help="rounds of the ratio run (each page in turn with the bare "
                                 "list)")
        parser.add_argument("--ratio-connections", type=int, default=4,
                            help="requests in flight in the ratio run")
        parser.add_argument("--no-http", action="store_true",
                            help="skip gunicorn: the ratios, the load generator and the "
                                 "exports")
        parser.add_argument("--no-exports", action="store_true",
                            help="skip exporting every order as CSV and XLSX")
        parser.add_argument("--exports-only", action="store_true",
                            help="measure only the exports of every order (CSV, XLSX)")
        parser.add_argument("--api-retention", action="store_true",
                            help="measure only the REST API's orders list and the retention "
                                 "dry run and run")
        parser.add_argument("--duration", type=float, default=30.0,
                            help="seconds of the order list's throughput run")
        parser.add_argument("--soak", type=float, default=30.0,
                            help="seconds of the mixed load (600 for the ten-minute soak)")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--output", default="",
                            help="directory for the JSON (default var/bench)")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark needs PostgreSQL, not "
                f"{connection.vendor}: run `make bench`, or set "
                "DATABASE_URL=postgres://…/tyreso_it_bench (a database of its own: the "
                "benchmark fills it with generated data)."
            )
        if options["http"] and (options["no_http"] or options["exports_only"]):
            raise CommandError("--http measures over HTTP only: it goes with neither "
                               "--no-http nor --exports-only.")
        if options["profile"] and (options["http"] or options["exports_only"]):
            raise CommandError("--profile profiles the pages only: it goes with neither "
                               "--http nor --exports-only.")
        if options["api_retention"] and (options["http"] or options["exports_only"]
                                         or options["profile"]):
            raise CommandError("--api-retention measures the API and retention only: it "
                               "goes with none of --http, --exports-only and --profile.")
        if database.create_if_missing():
            self.stdout.write(f"Created the database {database.name()}.")
        size = Size(**{name: options[name] for name in Size().as_dict()})
        started = timezone.now()
        self.began = time.monotonic()
        result: dict[str, Any] = {
            "format": 1,
            "started_at": started.isoformat(),
            "host": self._host(),
            "settings": {key: options[key] for key in (
                "requests", "warmup", "writes", "duration", "soak", "connections",
                "workers")},
        }
        dataset = self._dataset(size, fresh=options["fresh"])
        result["dataset"] = dataset
        result["host"]["postgresql"] = connection.pg_version
        if options["data_only"]:
            self.stdout.write(report.text(result))
            return
        context = measure.bench_context(dataset)
        directory = Path(options["output"]) if options["output"] else (
            Path(settings.VAR_DIR) / "bench")
        if options["profile"]:
            from bench import profiling

            self._phase("Profiles:")
            result["profile"] = profiling.profile_pages(
                context, requests=options["requests"], warmup=options["warmup"],
                log=self.stdout.write)
        elif options["api_retention"]:
            self._phase("REST API:")
            pages = api.measure_api(context, requests=options["requests"],
                                    warmup=options["warmup"], log=self.stdout.write)
            result["pages"] = [p.as_dict() for p in pages]
            report.page_checks(result["pages"])
            self._retention(result)
        elif options["http"]:
            self._phase("Pages against the bare list over HTTP:")
            result["ratios"] = self._ratios(context, directory, options)
        else:
            if not options["exports_only"]:
                self._measure(context, result, options)
            self._exports(context, result, directory, options)
        result["finished_at"] = timezone.now().isoformat()
        report.summarise(result)
        path = report.write(result, directory)
        self.stdout.write("")
        self.stdout.write(report.text(result))
        self.stdout.write(f"\nWritten to {path} (and bench-latest.json beside it).")

    def _exports(self, context: measure.Context, result: dict[str, Any], directory: Path,
                 options) -> None:
        if options["no_http"] or options["no_exports"]:
            result["exports"] = {"note": "not measured (--no-http)" if options["no_http"]
                                 else "not measured (--no-exports)"}
            return
        from bench import exports, load

        self._phase("Exports:")
        result["exports"] = exports.measure_exports(
            load.session_cookie(context.users["it_chief"]), log_dir=directory,
            log=self.stdout.write)
        report.export_checks(result["exports"])

    def _measure(self, context: measure.Context, result: dict[str, Any], options) -> None:
        """The pages, their query counts, the services and the load (all but the exports)."""
        only = {p.strip() for p in options["pages"].split(",") if p.strip()} or None
        self._phase("Pages:")
        pages = measure.measure_pages(context, requests=options["requests"],
                                      warmup=options["warmup"], only=only,
                                      log=self.stdout.write)
        pages += api.measure_api(context, requests=options["requests"],
                                 warmup=options["warmup"], only=only, log=self.stdout.write)
        result["pages"] = [p.as_dict() for p in pages]
        report.page_checks(result["pages"])
        self._phase("Query counts against rows and history:")
        result["query_scaling"] = measure.query_scaling(context)
        report.scaling_checks(result["query_scaling"])
        if not options["no_services"]:
            self._phase("Services:")
            result["services"] = measure.measure_services(
                context, count=options["writes"], meetings=options["meetings_signed"],
                items=options["meeting_items"], log=self.stdout.write)
            report.service_checks(result["services"])
            self._retention(result)
        if options["no_http"]:
            result["ratios"] = {"note": "not measured (--no-http)"}
            result["http"] = {"note": "not measured (--no-http)"}
        else:
            self._phase("Pages against the bare list over HTTP:")
            directory = Path(options["output"]) if options["output"] else (
                Path(settings.VAR_DIR) / "bench")
            result["ratios"] = self._ratios(context, directory, options)
            self._phase("HTTP:")
            result["http"] = self._http(context, result["pages"], options)
            report.http_checks(result["http"])

    def _retention(self, result: dict[str, Any]) -> None:
        self._phase("Retention (dry run and run, rolled back):")
        result["retention"] = retention_bench.measure_retention(log=self.stdout.write)
        report.retention_checks(result["retention"])

    def _phase(self, title: str) -> None:
        elapsed = time.monotonic() - self.began
        self.stdout.write(f"{title.rstrip(':')} ({elapsed:.0f} s):")

    # --- the data set ----------------------------------------------------------------------

    def _dataset(self, size: Size, *, fresh: bool) -> dict[str, Any]:
        wanted = {"size": size.as_dict(), "generator": database.GENERATOR_VERSION}
        mark = database.read_mark()
        same = mark is not None and {"size": mark.get("size"),
                                     "generator": mark.get("generator")} == wanted
        if same and not fresh:
            self._migrate()
            self.stdout.write(f"Reusing the data set in {database.name()} "
                              f"({size.orders} orders, built {mark.get('built_at')}).")
            counts = self._counts()
            return {**mark, "reused": True, "counts": {**mark.get("counts", {}), **counts}}
        if mark is None and not fresh and database.has_data():
            raise CommandError(
                f"{database.name()} holds data the benchmark did not make: refusing to use "
                "it. Point DATABASE_URL at a database of its own (make bench uses "
                "tyreso_it_bench), or rebuild this one with --fresh."
            )
        if mark is not None or fresh:
            self.stdout.write(f"Rebuilding {database.name()}"
                              + (" (--fresh)" if fresh else " (the size changed)") + "…")
            try:
                database.recreate()
            except database.NotABenchDatabase as exc:
                raise CommandError(str(exc)) from exc
        self._migrate()
        self.stdout.write(f"Generating {size.orders} orders over {size.years} years, "
                          f"{size.departments} departments, {size.users} users…")
        began = time.monotonic()
        built = generate(size, log=lambda m: self.stdout.write(
            f"  {time.monotonic() - began:6.1f} s  {m}"))
        mark = {
            **{k: v for k, v in built.as_dict().items() if k != "size"},
            "size": size.as_dict(),
            "built_at": timezone.now().isoformat(),
            "build_seconds": round(time.monotonic() - began, 1),
        }
        database.write_mark(mark)
        self.stdout.write(f"Generated in {mark['build_seconds']} s.")
        return {**mark, "generator": database.GENERATOR_VERSION, "reused": False}

    def _migrate(self) -> None:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", interactive=False, verbosity=0)

    def _counts(self) -> dict[str, int]:
        from orders.models import Comment, Order, OrderEvent

        return {
            "orders": Order.objects.count(),
            "events": OrderEvent.objects.count(),
            "comments": Comment.objects.count(),
            "order_history": Order.history.count(),
        }

    # --- HTTP ------------------------------------------------------------------------------

    def _ratios(self, context: measure.Context, directory: Path, options) -> dict[str, Any]:
        from bench import ratio

        ratios = ratio.measure_ratios(
            context, requests=options["ratio_requests"], rounds=options["ratio_rounds"],
            connections=options["ratio_connections"], workers=options["workers"],
            log_dir=directory, log=self.stdout.write)
        report.ratio_checks(ratios)
        return ratios

    def _http(self, context: measure.Context, pages: list[dict], options) -> dict[str, Any]:
        from django.urls import NoReverseMatch, reverse

        from bench import load
        from servicecatalog.models import Service

        cookies = {role: load.session_cookie(user) for role, user in context.users.items()}
        orders = {role: measure.visible_order_ids(user, 300)
                  for role, user in context.users.items()}
        extra = {}
        for name, url in (("huki", "raci:matrix"), ("portfolio", "portfolio:ranking"),
                          ("timeline", "portfolio:timeline"),
                          ("dashboard", "portfolio:dashboard")):
            try:
                extra[name] = reverse(url)
            except NoReverseMatch:
                continue
        if context.meeting_id:
            extra["meeting"] = reverse("board:meeting", args=[context.meeting_id])
        plan = load.LoadPlan(
            cookies=cookies, orders=orders,
            comment_orders=[pk for pk in orders["orderer"][:100]],
            meeting_id=context.meeting_id,
            service_ids=list(Service.objects.order_by("pk").values_list("pk", flat=True)[:50]),
            extra_paths=extra,
            extra_access={
                name: {page["role"] for page in pages if page["page"] == name
                       and page.get("status") == 200}
                for name in extra
            },
        )
        directory = Path(options["output"]) if options["output"] else (
            Path(settings.VAR_DIR) / "bench")
        return load.measure_http(
            plan, seconds=options["duration"], soak=options["soak"],
            connections=options["connections"], workers=options["workers"],
            log_dir=directory, log=self.stdout.write,
        )

    # --- the machine -----------------------------------------------------------------------

    def _host(self) -> dict[str, Any]:
        try:
            load_average = [round(x, 2) for x in os.getloadavg()]
        except OSError:
            load_average = None
        return {
            "cpus": os.cpu_count(),
            "load_average": load_average,
            "python": sys.version.split()[0],
            "django": django.get_version(),
            "platform": platform.platform(),
            "database": database.name(),
            "cache": _cache_in_use(),
        }


def _cache_in_use() -> str:
    """What holds the sessions and the access cache, as production would have it: Redis."""
    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower():
        return "local memory of each process (set REDIS_URL to measure with Redis)"
    from django.core.cache import cache

    ping = getattr(cache, "ping", None)  # tyreso_it.core.cache.RedisCache asks Redis itself
    reachable = bool(ping and ping())
    where = settings.CACHES["default"]["LOCATION"]
    return f"Redis at {where}" + ("" if reachable else " (NOT reachable: pages read the database)")
