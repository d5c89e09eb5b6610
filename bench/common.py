"""The benchmark data set's vocabulary: its sizes, its words, the people it measures as,
and the small helpers and records the generator and the writer share (bench/dataset.py)."""

from __future__ import annotations

import bisect
import random
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from orders.models import Order

S = Order.Status
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
TZ = ZoneInfo(settings.TIME_ZONE)
#: The password of every generated person (the benchmark logs in without it).
BENCH_PASSWORD = "bench-lösenord"  # noqa: S105 - a throwaway benchmark database only

#: The people the benchmark measures as, one per role, by user name.
BENCH_USERS = {
    "orderer": "bench-orderer",
    "it_lead": "bench-it-lead",
    "coordinator": "bench-coordinator",
    "change_manager": "bench-change-manager",
    "it_chief": "bench-it-chief",
    "provider": "bench-provider",
}


@dataclass(frozen=True)
class Size:
    """How much to generate. The defaults are the benchmark's (issue 7)."""

    orders: int = 100_000
    years: int = 10
    departments: int = 20
    users: int = 2_000
    services: int = 300
    projects: int = 500
    meetings: int = 40
    seed: int = 2013

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class Built:
    """What was generated, for the report and for the measurements that follow."""

    size: Size
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    long_order_id: int | None = None
    short_order_id: int | None = None
    agenda_meeting_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["size"] = self.size.as_dict()
        return data


# --- words ---------------------------------------------------------------------------------

FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per", "Lena",
    "Mikael", "Emma", "Fredrik", "Kristina", "Jonas", "Helena", "Magnus", "Linda", "Oskar",
    "Ingrid", "Ahmed", "Fatima", "Nils", "Elin", "Gustav", "Sofia", "Ali", "Camilla", "Henrik",
    "Maja", "Olof", "Amira", "Tove", "Björn", "Ebba", "Leila", "Hampus", "Greta", "Yusuf",
]
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
    "Lindqvist", "Holm", "Berg", "Strand", "Nyström", "Öberg", "Sjöberg", "Wikström", "Blom",
    "Lund", "Forsberg", "Dahlgren", "Håkansson", "Ekström", "Karimi", "Lindberg", "Sandberg",
    "Hedlund", "Åkesson", "Mohammed", "Virtanen", "Falk", "Norén", "Hassan", "Ström",
]
DEPARTMENTS = [
    ("BUF", "Barn- och utbildningsförvaltningen"),
    ("SOC", "Socialförvaltningen"),
    ("SBF", "Samhällsbyggnadsförvaltningen"),
    ("KFF", "Kultur- och fritidsförvaltningen"),
    ("KSF", "Kommunstyrelseförvaltningen"),
    ("ÄO", "Äldreomsorgen"),
    ("FSF", "Funktionsstödsförvaltningen"),
    ("GYF", "Gymnasie- och vuxenutbildningsförvaltningen"),
    ("MHF", "Miljö- och hälsoskyddsförvaltningen"),
    ("TKF", "Tekniska förvaltningen"),
    ("EKO", "Ekonomiavdelningen"),
    ("HR", "HR-avdelningen"),
    ("KOM", "Kommunikationsavdelningen"),
    ("UPH", "Upphandlingsenheten"),
    ("KSK", "Konsult- och servicekontoret"),
    ("FAS", "Fastighetsavdelningen"),
    ("AMF", "Arbetsmarknadsförvaltningen"),
    ("KOS", "Kost- och städenheten"),
    ("BYG", "Bygglovsenheten"),
    ("RÄD", "Räddningstjänsten"),
]
TITLE_START = [
    "Ny e-tjänst för", "Ändring i", "Integration mot", "Utökad behörighet i",
    "Uppgradering av", "Digital signering i", "Rapporter ur", "Mobil åtkomst till",
    "Fler licenser för", "Ersättning av", "Automatisering i", "Nytt stöd för",
]
TITLE_END = [
    "bygglov", "schemaläggningen", "elevregistret", "ekonomisystemet", "ärendehanteringen",
    "lokalbokningen", "hemtjänstplaneringen", "diariet", "lönesystemet", "intranätet",
    "webbplatsen", "e-arkivet", "skolplattformen", "fakturahanteringen", "besöksbokningen",
    "tidrapporteringen", "bibliotekssystemet", "kartsystemet", "journalsystemet",
    "felanmälan", "vikariebokningen", "måltidsplaneringen", "GIS-portalen", "kundtjänsten",
]
NEED_SENTENCES = [
    "Handläggarna lägger i dag mycket tid på att föra över uppgifter för hand mellan två "
    "system.",
    "Invånarna ska kunna göra ärendet själva på webben, dygnet runt, utan att ringa.",
    "Nuvarande lösning saknar stöd för e-legitimation och behöver ersättas.",
    "Verksamheten behöver kunna ta fram statistik per månad utan att be IT om uttag.",
    "Lagändringen den första januari kräver att vi dokumenterar på ett nytt sätt.",
    "Medarbetare ute i verksamheten behöver nå systemet från mobilen.",
    "Rutinen är sårbar eftersom bara en person kan den.",
    "Vi vill minska pappersutskrifterna och arkivera digitalt.",
    "Fler användare behöver tillgång när verksamheten växer.",
    "Leverantören slutar stödja den version vi använder.",
]
COMMENTS = [
    "Finns det något beslut från förvaltningsledningen om detta?",
    "Vi har pratat med leverantören, de kan leverera i höst.",
    "Kan ni beskriva hur många användare det gäller?",
    "Tack, det blev tydligare nu.",
    "Vi behöver stämma av med dataskyddsombudet först.",
    "Kostnaden ryms i förvaltningens budget för året.",
    "Bifogar en beskrivning av dagens arbetssätt.",
    "Går det att samordna med beställningen från SOC om samma system?",
]
CATEGORIES = [
    "Skola och förskola", "Vård och omsorg", "Samhällsbyggnad", "Ekonomi och personal",
    "Kommunikation", "Ärendehantering och arkiv", "Infrastruktur", "Kultur och fritid",
    "Säkerhet och behörighet", "Digitala tjänster",
]


# --- helpers -------------------------------------------------------------------------------


def _at_work(moment: datetime) -> datetime:
    """Move a moment into office hours (weekdays 7:30–17:30, Stockholm time)."""
    local = moment.astimezone(TZ)
    minutes = local.hour * 60 + local.minute
    if minutes < 450 or minutes > 1050:
        day = local.date() if minutes > 1050 else local.date() - DAY
        day += DAY
        local = datetime.combine(day, time(7, 30), TZ) + timedelta(minutes=(minutes * 7) % 600)
    while local.weekday() >= 5:
        local += DAY
    return local


def _names(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


@dataclass
class Slot:
    """A seat on a department's register, held by a chain of people over the years."""

    starts: list[date] = field(default_factory=list)
    holders: list[int] = field(default_factory=list)
    ends: list[date | None] = field(default_factory=list)

    def holder_on(self, day: date) -> int | None:
        index = bisect.bisect_right(self.starts, day) - 1
        if index < 0:
            return None
        end = self.ends[index]
        return self.holders[index] if end is None or day <= end else None


@dataclass
class Plan:
    """One simulated order: its facts and the steps it took, up to today."""

    pk: int
    department: int
    orderer: int
    kind: str
    created: datetime
    steps: list[tuple[str, datetime, int | None, Any]]
    title: str
    need: str
    service: int | None
    money: dict[str, Any]
    handler: int | None = None
    provider: int | None = None
    submitted: datetime | None = None
    reference: str | None = None
    comments: int = 0
