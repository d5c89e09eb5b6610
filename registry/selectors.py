"""The register (diarium) of a year: every order received and every meeting of Beslutsråd IT,
as the registrar lists public records.

An order is in the register from the moment it is received (submitted: it then has its
reference, `B-<year>-<number>`, gap-free per year); a draft is its writer's working paper,
not a received record. A meeting is registered by the year it is held, with its minutes'
number once given. Only the marking of a secrecy-marked order is in the register: its
reference, title, department and state are public, its need and attachments are not (and
no column of the register holds them).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from board.models import Meeting
from orders.models import Order
from organisation.models import User

REGISTER = "orders.view_register"

#: Rows read from the database at a time.
CHUNK = 2000


def may_read_register(user: User) -> bool:
    """The ordering function, the IT chiefs (through their roles), and whoever is given the
    permission (the municipality's registrar, by an administrator)."""
    return user.is_authenticated and (user.has_perm(REGISTER) or user.is_superuser)


COLUMNS = (
    pgettext_lazy("register", "Reference"), gettext_lazy("Kind of record"),
    gettext_lazy("Date received"),
    gettext_lazy("Department"), gettext_lazy("Title"), gettext_lazy("State"),
    gettext_lazy("Secrecy marking"),
)


def headers() -> list[str]:
    return [str(column) for column in COLUMNS]


def register_years() -> list[int]:
    """The years from the first received order or meeting to this year (or the last
    meeting planned), newest first."""
    this_year = timezone.localdate().year
    firsts = [
        Order.objects.filter(submitted_at__isnull=False).order_by("submitted_at")
        .values_list("submitted_at", flat=True).first(),
        Meeting.objects.order_by("starts_at").values_list("starts_at", flat=True).first(),
    ]
    last = Meeting.objects.order_by("-starts_at").values_list("starts_at", flat=True).first()
    first_year = min([this_year, *(timezone.localtime(f).year for f in firsts if f)])
    last_year = max(this_year, timezone.localtime(last).year if last else this_year)
    return list(range(last_year, first_year - 1, -1))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def _day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def register_rows(year: int) -> Iterator[list[Any]]:
    """The rows of `headers()` for `year`: the orders received, by reference, then the
    meetings, by date. Read a chunk at a time, so a year of every order costs the memory of
    one chunk."""
    states = {value: str(label) for value, label in Order.Status.choices}
    kind_order = _("Order")
    orders = (
        Order.objects.filter(reference__startswith=f"B-{year}-")
        .order_by("reference")
        .values_list("reference", "submitted_at", "department__name", "title", "status",
                     "secrecy_provision")
    )
    for reference, submitted_at, department, title, status, provision in orders.iterator(
            chunk_size=CHUNK):
        yield [reference, kind_order, _day(submitted_at), department, title,
               states.get(status, status), provision or None]
    meeting_states = {value: str(label) for value, label in Meeting.Status.choices}
    kind_meeting = _("Meeting of Beslutsråd IT")
    start, end = _year_bounds(year)
    meetings = (
        Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "pk")
        .values_list("number", "year", "starts_at", "status")
    )
    for number, minutes_year, starts_at, status in meetings.iterator(chunk_size=CHUNK):
        reference = f"BIT {minutes_year}:{number}" if number else None
        yield [reference, kind_meeting, _day(starts_at), None, _("Beslutsråd IT"),
               meeting_states.get(status, status), None]

