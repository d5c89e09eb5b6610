"""In-process measurements: server time and SQL queries of the key pages for each role, the
query counts' independence of page size and history, and the time the write services take.

Pages are requested through Django's test client in this process: what is timed is the whole
request through the middleware, the view and the template, without a network or an HTTP
server (those are measured by `bench.load`).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from orders.models import Order
from organisation.models import User
from portfolio.dashboard import percentile

from .dataset import BENCH_USERS

ROLES = tuple(BENCH_USERS)
ROLE_LABELS = {
    "orderer": "orderer (one department)",
    "it_lead": "department IT lead",
    "coordinator": "IT coordinator",
    "change_manager": "change manager",
    "it_chief": "IT chief",
    "provider": "provider (IT-enheten)",
}
#: Roles whose view of the orders is limited to departments or assignments.
SCOPED_ROLES = ("orderer", "it_lead", "provider")


def summary(samples_ms: list[float]) -> dict[str, Any]:
    return {
        "n": len(samples_ms),
        "median_ms": _round(percentile(samples_ms, 0.5)),
        "p95_ms": _round(percentile(samples_ms, 0.95)),
        "min_ms": _round(min(samples_ms)) if samples_ms else None,
        "max_ms": _round(max(samples_ms)) if samples_ms else None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- what is measured -----------------------------------------------------------------------


@dataclass
class Context:
    """The people and objects the pages are measured with."""

    users: dict[str, User]
    long_order_id: int
    short_order_id: int
    typical_order_id: int
    meeting_id: int | None
    service_id: int | None
    search: str


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url: Callable[[Context], str]
    kind: str = "page"  # "list", "detail", "dashboard" or "page": which targets apply
    roles: tuple[str, ...] = ROLES


def _url(name: str, *args, query: str = "") -> Callable[[Context], str]:
    def build(context: Context) -> str:
        resolved = [a(context) if callable(a) else a for a in args]
        return reverse(name, args=resolved) + (f"?{query}" if query else "")

    return build


def _search(context: Context) -> str:
    return reverse("orders:list") + f"?q={context.search}"


DETAIL_ROLES = ("orderer", "it_lead", "coordinator", "change_manager", "it_chief")
FILTERS = ("status=submitted&status=in_preparation&status=awaiting_supplement&kind=change"
           "&sort=changed")
DEEP_PAGE = 200

PAGES: list[Page] = [
    Page("home", "Start page (the ordering function: its queue)", _url("home")),
    Page("order_list", "Order list, first page (orderer: the department's)",
         _url("orders:list"), kind="list"),
    Page("order_list_filtered", "Order list, filtered by state and type",
         _url("orders:list", query=FILTERS), kind="list"),
    Page("order_list_search", "Order list, search", _search, kind="list"),
    Page("order_list_deep", f"Order list, page {DEEP_PAGE} (position {DEEP_PAGE * 25 - 24}+)",
         _url("orders:list", query=f"page={DEEP_PAGE}"), kind="list"),
    Page("order_detail_long", "Order page, long history (~200 records, 100 comments)",
         _url("orders:detail", lambda c: c.long_order_id), kind="detail", roles=DETAIL_ROLES),
    Page("order_detail_short", "Order page, no comments",
         _url("orders:detail", lambda c: c.short_order_id), kind="detail", roles=DETAIL_ROLES),
    Page("order_detail_typical", "Order page, a delivered order",
         _url("orders:detail", lambda c: c.typical_order_id), kind="detail"),
    Page("meeting", "BIT meeting: the next agenda", _url("board:meeting", lambda c: c.meeting_id),
         roles=("coordinator", "change_manager", "it_chief")),
    Page("catalogue", "Service catalogue", _url("servicecatalog:service_list")),
    Page("service", "Service page (a hub system)",
         _url("servicecatalog:service", lambda c: c.service_id)),
    Page("systemmap", "System map", _url("servicecatalog:systemmap")),
    Page("huki", "HUKI matrix", _url("raci:matrix")),
    Page("portfolio", "Portfolio (ranked)", _url("portfolio:ranking")),
    Page("timeline", "Timeline of the year", _url("portfolio:timeline")),
    Page("dashboard", "IT chief's dashboard", _url("portfolio:dashboard"), kind="dashboard",
         roles=("it_chief", "change_manager", "coordinator")),
]


def bench_context(built_ids: dict[str, Any]) -> Context:
    users = {role: User.objects.get(username=name) for role, name in BENCH_USERS.items()}
    provider = users["provider"]
    typical = (
        Order.objects.filter(provider__members=provider, status=Order.Status.DELIVERED)
        .order_by("-delivered_at").values_list("pk", flat=True).first()
        or Order.objects.filter(provider__members=provider).order_by("-pk")
        .values_list("pk", flat=True).first()
    )
    from servicecatalog.models import Service

    # The system with the most integrations: the fullest service page.
    service = (
        Service.objects.annotate(n=Count("incoming", distinct=True) + Count("outgoing",
                                                                           distinct=True))
        .order_by("-n", "pk").values_list("pk", flat=True).first()
    )
    return Context(
        users=users,
        long_order_id=built_ids["long_order_id"],
        short_order_id=built_ids["short_order_id"],
        typical_order_id=typical,
        meeting_id=built_ids.get("agenda_meeting_id"),
        service_id=service,
        search="lokalbokningen",
    )


# --- pages ------------------------------------------------------------------------------------


@dataclass
class PageResult:
    page: str
    label: str
    kind: str
    role: str
    url: str = ""
    status: int | None = None
    note: str = ""
    queries: int | None = None
    sql_ms: float | None = None
    bytes: int | None = None
    timing: dict[str, Any] = field(default_factory=dict)
    samples_ms: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "samples_ms"}
        data.update(self.timing)
        data.pop("timing")
        return data


def _client(user: User) -> Client:
    # Not the test environment (its template instrumentation would be timed too), so the host
    # must be an allowed one.
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def measure_page(client: Client, url: str, *, requests: int, warmup: int,
                 budget_s: float = 20.0) -> PageResult:
    """Warm up, count the queries of one request, then time `requests` requests (fewer, but
    at least five, when they would take longer than `budget_s`: a page of seconds)."""
    result = PageResult(page="", label="", kind="", role="", url=url)
    for _n in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            result.status = response.status_code
            return result
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    one = time.perf_counter() - started
    if requests * one > budget_s:
        requests = max(5, int(budget_s / one))
        result.note = f"{requests} requests (a slow page)"
    result.status = response.status_code
    result.queries = len(ctx)
    result.sql_ms = round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 2)
    result.bytes = len(response.content)
    samples, cpu = [], []
    gc.collect()
    for _n in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            result.status = response.status_code
            break
    result.samples_ms = samples
    result.timing = summary(samples)
    # This process's own CPU time (Python: middleware, view, template), without the database's
    # and without waiting for a busy machine: steadier than the server time when others run.
    result.timing["cpu_median_ms"] = _round(percentile(cpu, 0.5))
    return result


def compare_pages(client: Client, first: str, other: str, *, requests: int) -> dict:
    """Median server time of two pages requested alternately, and their ratio."""
    times: dict[str, list[float]] = {first: [], other: []}
    for _n in range(requests):
        for url in (first, other):
            started = time.perf_counter()
            client.get(url)
            times[url].append((time.perf_counter() - started) * 1000)
    a, b = percentile(times[first], 0.5), percentile(times[other], 0.5)
    return {"first_page_median_ms": _round(a), "paired_median_ms": _round(b),
            "ratio_to_first_page": round(b / a, 2) if a else None}


def measure_pages(context: Context, *, requests: int = 30, warmup: int = 3,
                  only: set[str] | None = None, log=print) -> list[PageResult]:
    clients = {role: _client(user) for role, user in context.users.items()}
    results = []
    for page in PAGES:
        if only and page.key not in only:
            continue
        for role in page.roles:
            try:
                url = page.url(context)
            except (NoReverseMatch, TypeError) as exc:
                result = PageResult(page.key, page.label, page.kind, role,
                                    note=f"not measured: the page does not exist yet ({exc})")
                results.append(result)
                log(f"  {page.key:<22} {role:<15} skipped: no such page")
                break
            result = measure_page(clients[role], url, requests=requests, warmup=warmup)
            result.page, result.label, result.kind, result.role = (
                page.key, page.label, page.kind, role)
            if page.key == "order_list_deep" and result.status == 200:
                # Against the first page timed in turn with it, so that what else the
                # machine does at the moment weighs on both alike.
                result.timing.update(compare_pages(
                    clients[role], reverse("orders:list"), url, requests=requests))
            if result.status in {403, 404, 302}:
                result.note = f"no access for this role ({result.status}): not measured"
            elif result.status != 200:
                result.note = f"error: HTTP {result.status}"
            results.append(result)
            shown = (f"median {result.timing.get('median_ms')} ms, p95 "
                     f"{result.timing.get('p95_ms')} ms, {result.queries} queries"
                     if result.timing else result.note)
            log(f"  {page.key:<22} {role:<15} {shown}")
    return results


# --- query counts against page size and history ------------------------------------------------


def query_scaling(context: Context) -> list[dict[str, Any]]:
    """The list's queries at 10, 25 and 100 rows a page, and the order page's with no
    comments and with 100 (the long history); each must be the same."""
    rows = []
    for role in ("orderer", "coordinator", "provider"):
        client = _client(context.users[role])
        counts = {}
        for size in (10, 25, 100):
            with override_settings(ORDER_PAGE_SIZE=size):
                client.get(reverse("orders:list"))
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(reverse("orders:list"))
                shown = response.content.decode().count("<tr>") - 1  # the table's rows
                counts[f"{size} rows"] = {"queries": len(ctx), "rows_shown": shown}
        rows.append({"check": "order list", "role": role, "counts": counts,
                     "same": len({c["queries"] for c in counts.values()}) == 1})
    for role in DETAIL_ROLES:
        client = _client(context.users[role])
        counts = {}
        for name, pk in (("0 comments", context.short_order_id),
                         ("100 comments", context.long_order_id)):
            url = reverse("orders:detail", args=[pk])
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            counts[name] = {"queries": len(ctx)}
        rows.append({"check": "order page", "role": role, "counts": counts,
                     "same": len({c["queries"] for c in counts.values()}) == 1})
    return rows


# --- the write services --------------------------------------------------------------------------


def _timed(samples: list[float], func: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    value = func()
    samples.append((time.perf_counter() - started) * 1000)
    return value


def measure_services(context: Context, *, count: int = 40, meetings: int = 3,
                     items: int = 10, log=print) -> list[dict[str, Any]]:
    """Submit, take on, ask for and give a supplement, and sign a meeting's minutes (the
    second signature applies its ~10 decisions), each through its service with history,
    events and outbox, as in a request."""
    from orders import services

    users = context.users
    orderer, coordinator = users["orderer"], users["coordinator"]
    department = orderer.orderer_registrations.valid_on().first().department
    drafts = [
        services.order_create(
            actor=orderer, department=department,
            data={"title": f"Benchmark {n}", "kind": Order.Kind.CHANGE,
                  "need": "Verksamheten behöver ett nytt fält i e-tjänsten."},
        ).pk
        for n in range(count)
    ]
    timings: dict[str, list[float]] = {name: [] for name in (
        "order_submit", "order_take_on", "order_request_supplement", "order_supplement")}
    for pk in drafts:
        _timed(timings["order_submit"], lambda pk=pk: services.order_submit(
            order_id=pk, actor=orderer))
    for pk in drafts:
        _timed(timings["order_take_on"], lambda pk=pk: services.order_take_on(
            order_id=pk, actor=coordinator))
    for pk in drafts:
        _timed(timings["order_request_supplement"], lambda pk=pk: (
            services.order_request_supplement(order_id=pk, actor=coordinator,
                                              question="Vilka användare gäller det?")))
    for pk in drafts:
        _timed(timings["order_supplement"], lambda pk=pk: services.order_supplement(
            order_id=pk, actor=orderer, answer="Alla handläggare på enheten."))
    results = []
    labels = {
        "order_submit": "Submit an order (reference, history, event, outbox)",
        "order_take_on": "Take an order on (handler's permission, history, outbox, HUKI)",
        "order_request_supplement": "Request a supplement (comment, history, outbox)",
        "order_supplement": "Answer a supplement (comment, history, outbox)",
    }
    for name, samples in timings.items():
        results.append({"service": name, "label": labels[name], **summary(samples)})
        log(f"  {name:<26} median {results[-1]['median_ms']} ms, p95 {results[-1]['p95_ms']} ms")
    sign = measure_minutes(context, repeats=meetings, items=items)
    results += sign
    for row in sign:
        log(f"  {row['service']:<26} median {row['median_ms']} ms, p95 {row['p95_ms']} ms")
    return results


def _ready_orders(context: Context, count: int) -> list[int]:
    """`count` orders ready for decision, moved there by the services."""
    from orders import services

    users = context.users
    orderer, coordinator = users["orderer"], users["coordinator"]
    department = orderer.orderer_registrations.valid_on().first().department
    values = {f.code: 3 for f in services.priority_model_active().factors.all()}
    ids = []
    for n in range(count):
        order = services.order_create(
            actor=orderer, department=department,
            data={"title": f"Benchmark till BIT {n}", "kind": Order.Kind.NEW_FUNCTION,
                  "need": "Ett nytt system för bokning av lokaler."},
        )
        services.order_submit(order_id=order.pk, actor=orderer)
        services.order_take_on(order_id=order.pk, actor=coordinator)
        version = Order.objects.values_list("version", flat=True).get(pk=order.pk)
        services.order_update_preparation(
            order_id=order.pk, actor=coordinator, expected_version=version,
            data={"it_requirements": "Webbformulär.", "estimated_cost": Decimal(250_000),
                  "risk_level": Order.Risk.MEDIUM, "recommendation": "Godkänn.",
                  "priority_values": values},
        )
        services.order_mark_ready(order_id=order.pk, actor=coordinator)
        ids.append(order.pk)
    return ids


def measure_minutes(context: Context, *, repeats: int = 3, items: int = 10) -> list[dict]:
    """Sign the minutes of a just-held meeting with `items` orders decided, `repeats` times."""
    from board import services as board
    from board.models import Meeting

    chair, adjuster = context.users["change_manager"], context.users["it_chief"]
    first, second = [], []
    for _n in range(repeats):
        ids = _ready_orders(context, items)
        # Planned a month ahead in a room of its own (nothing to warn of), then moved to two
        # hours ago: a meeting's minutes are signed once it has started.
        meeting = board.meeting_create(actor=chair, starts_at=timezone.now() + timedelta(days=30),
                                       place=f"Mätning {_n + 1}")
        for pk in ids:
            board.agenda_add_item(meeting_id=meeting.pk, actor=chair,
                                  order=Order.objects.get(pk=pk))
        starts = timezone.now() - timedelta(hours=2)
        # The agenda as sent at its cut-off (sending would also build it from every ready
        # order of the data set, which is not what is measured here).
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=starts, ends_at=starts + timedelta(minutes=90),
            status=Meeting.Status.AGENDA_SENT, agenda_frozen_at=starts - timedelta(days=3))
        present = {m.pk: True for m in meeting.members.all()}
        board.meeting_record_attendance(meeting_id=meeting.pk, actor=chair, present=present)
        board.meeting_set_adjuster(meeting_id=meeting.pk, actor=chair, adjuster=adjuster)
        outcomes = (["approve"] * max(0, items - 3) + ["reject", "defer", "return"])[-items:]
        for item, outcome in zip(meeting.items.filter(order__isnull=False).order_by("position"),
                                 outcomes, strict=False):
            board.item_record_decision(
                item_id=item.pk, actor=chair, outcome=outcome,
                reason="Ryms inte i budgeten." if outcome in {"reject", "return"} else "",
            )
        for item in meeting.items.filter(order__isnull=True):
            board.item_record_decision(item_id=item.pk, actor=chair, outcome="noted")
        _timed(first, lambda m=meeting: board.minutes_sign(meeting_id=m.pk, actor=chair))
        _timed(second, lambda m=meeting: board.minutes_sign(meeting_id=m.pk, actor=adjuster))
        assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.ADJUSTED  # noqa: S101
    return [
        {"service": "minutes_sign_first", "label": "Sign minutes, first signature (chair)",
         **summary(first)},
        {"service": "minutes_sign_apply",
         "label": f"Sign minutes, second signature: adjust and apply {items} decisions",
         **summary(second)},
    ]


def visible_order_ids(user: User, limit: int = 500) -> list[int]:
    """Some orders `user` may open, for the mixed load's order pages."""
    return list(
        Order.objects.visible_to(user).exclude(Q(status=Order.Status.DRAFT))
        .order_by("-pk").values_list("pk", flat=True)[:limit]
    )
