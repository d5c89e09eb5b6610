"""The REST API's orders list (`/api/v1/orders/`), measured as a script calls it: with a
personal API token, for each role of the benchmark, against the pages' targets (median and
p95). The tokens are made for the measurement and revoked after it."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .measure import Context, PageResult, measure_page

KEY = "api_orders"
LABEL = "API: orders list"


def measure_api(context: Context, *, requests: int = 30, warmup: int = 3,
                only: set[str] | None = None, log=print) -> list[PageResult]:
    from api import services as token_services

    if only and KEY not in only:
        return []
    url = reverse("api:orders")
    results = []
    for role, user in context.users.items():
        made = token_services.token_create(owner=user, name="bench", scope="read",
                                           expires_at=timezone.now() + timedelta(hours=1))
        client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1",
                        HTTP_AUTHORIZATION=f"Bearer {made.secret}")
        try:
            result = measure_page(client, url, requests=requests, warmup=warmup)
        finally:
            token_services.token_revoke(token_id=made.token.pk, actor=user)
        result.page, result.label, result.kind, result.role = KEY, LABEL, "list", role
        if result.status != 200:
            result.note = f"error: HTTP {result.status}"
        results.append(result)
        shown = (f"median {result.timing.get('median_ms')} ms, p95 "
                 f"{result.timing.get('p95_ms')} ms, {result.queries} queries"
                 if result.timing else result.note)
        log(f"  {KEY:<22} {role:<15} {shown}")
    return results
