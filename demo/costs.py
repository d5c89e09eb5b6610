"""The demo's IT costs: last year shared among the departments and published, this year a
draft started from it.

Written through `costs.services` by the IT chief, after the catalogue, the orders and the
portfolio, so the contracts, licences and projects the years are drawn from are there.
Idempotent like the rest of the demo: a year that exists is left as it is.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from costs import services
from costs.models import Basis, KeySet
from organisation.models import Department, User

IT_CHIEF = "it-chef"

# Users per department, from the user directory, and the fixed shares (adding up to 100).
FIGURES: dict[str, tuple[int, str]] = {
    "BUF": (2600, "40.00"), "SOC": (1400, "25.00"), "SBF": (420, "10.00"),
    "KFF": (260, "7.00"), "KSF": (180, "6.00"), "EKO": (45, "2.00"), "HR": (35, "2.00"),
    "KOM": (25, "1.50"), "UPH": (15, "1.50"), "IT": (40, "0.00"), "KSK": (310, "5.00"),
}
KEYS = {"contracts_basis": Basis.SYSTEMS, "licences_basis": Basis.LICENCES,
        "projects_basis": Basis.FIXED, "note": "Nycklarna enligt ekonomistyrningens översyn."}
POOLS = [
    ("Nätverk och kommunikation", "Stadsnät, WiFi och telefoni.", "3400000.00", Basis.USERS),
    ("Servicedesk och support", "IT-enhetens servicedesk och arbetsplatssupport.",
     "2150000.00", Basis.USERS),
    ("Drift och serverhall", "Servrar, lagring och säkerhetskopiering.", "4800000.00",
     Basis.SYSTEMS),
    ("IT-strategi och styrning", "Beställarfunktionen och IT-ledningen.", "900000.00",
     Basis.FIXED),
]


def _start(actor: User, year: int, created: Counter) -> KeySet:
    key_set = services.key_set_create(actor=actor, year=year)
    created["cost allocations"] += 1
    if key_set.based_on is not None:
        return key_set  # the earlier year's keys, pools and figures came with it
    departments = {d.short_name: d.pk for d in Department.objects.filter(
        is_active=True, short_name__in=FIGURES)}
    services.key_set_update(
        key_set_id=key_set.pk, actor=actor, revision=key_set.revision, data=KEYS,
        entries={pk: (FIGURES[short][0], Decimal(FIGURES[short][1]))
                 for short, pk in departments.items()})
    for name, description, amount, basis in POOLS:
        key_set.refresh_from_db()
        services.cost_pool_create(key_set_id=key_set.pk, actor=actor,
                                  revision=key_set.revision,
                                  data={"name": name, "description": description,
                                        "amount": Decimal(amount), "basis": basis})
    key_set.refresh_from_db()
    return key_set


def load_costs(clock, now: datetime) -> Counter:
    """Write the missing demo years; return what was added. `now` is the real time the
    demo is loaded; `clock` is the demo clock."""
    created: Counter = Counter()
    chief = User.objects.filter(username=IT_CHIEF).first()
    if chief is None:
        return created
    today = timezone.localdate(now)
    last_year, this_year = today.year - 1, today.year
    if not KeySet.objects.filter(year=last_year).exists():
        # Last year was shared on 20 January, or yesterday early in the year.
        day = min(date(this_year, 1, 20), today - timedelta(days=1))
        published = min(timezone.make_aware(datetime.combine(day, time(10))), now)
        clock.set(published - timedelta(hours=1))
        key_set = _start(chief, last_year, created)
        clock.set(published)
        try:
            services.key_set_publish(key_set_id=key_set.pk, actor=chief,
                                     revision=key_set.revision)
        except services.CostError:
            pass  # left a draft: the demo's data cannot share a kind of cost
        else:
            created["cost allocations published"] += 1
    if not KeySet.objects.filter(year=this_year).exists():
        clock.set(now)
        _start(chief, this_year, created)
    return created
