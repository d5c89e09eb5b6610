"""The reads of the records pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from organisation.models import User

from .models import CullingRecord, LegalHold, RetentionRule


def rule_list() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.select_related("updated_by").order_by("pk")


def culling_records() -> QuerySet[CullingRecord]:
    return CullingRecord.objects.select_related("started_by").order_by("-at", "-pk")


def active_holds() -> QuerySet[LegalHold]:
    return (LegalHold.objects.active().select_related("order", "set_by")
            .order_by("-set_at", "-pk"))


def people_matching(text: str, limit: int = 50) -> list[User]:
    """People whose name, user name or email holds `text` (every account: the pages are the
    IT chief's and the data protection function's)."""
    text = text.strip()
    if not text:
        return []
    condition = (Q(username__icontains=text) | Q(email__icontains=text)
                 | Q(first_name__icontains=text) | Q(last_name__icontains=text))
    for part in text.split():
        condition |= Q(first_name__iexact=part) | Q(last_name__iexact=part)
    return list(User.objects.filter(condition).select_related("pseudonym")
                .order_by("last_name", "first_name", "pk")[:limit])
