"""The demo's management plans, suppliers, contracts and licences.

Written through `servicecatalog.plans` and `servicecatalog.contracts` on the demo clock, by
the ordering function and by each system's manager and owner (as the catalogue demo set
them; the IT coordinator stands in where a system has none). Idempotent like the rest of the
demo: a supplier is found by its name, a contract by its supplier and title, a licence by its
product, a plan by its system and year; only what is missing is written.

Dates are relative to the day the demo is loaded, so the page of what is due and the
reminders always have something to show: a notice date within a month, a few within half a
year, one that has passed, an ended and a terminated contract.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from organisation.models import User
from servicecatalog import contracts, plans
from servicecatalog.models import Contract, Licence, ManagementPlan, Service, Supplier

ORDERING_FUNCTION = "it-samordnare"
DELIVERY_MANAGER = "leveransansvarig"

# (name, organisation number, contact person, email, phone)
SUPPLIERS: list[tuple[str, str, str, str, str]] = [
    ("Skolsystem Norden AB", "556712-3401", "Maja Ek", "avtal@skolsystem-norden.se",
     "08-123 45 00"),
    ("Omsorgsdata AB", "556488-2210", "Per Lindgren", "kundansvar@omsorgsdata.se",
     "031-70 80 90"),
    ("Molnkontoret Sverige AB", "559021-7788", "Sofia Ahmadi", "offentlig@molnkontoret.se",
     "08-555 010 20"),
    ("Kalkyl & Lön AB", "556301-4455", "Anders Berg", "avtal@kalkylolon.se", "019-12 34 56"),
    ("Geodata Syd AB", "556870-9912", "Lina Holm", "support@geodatasyd.se", "040-61 62 63"),
    ("Tele Öst AB", "556099-3030", "Kundtjänst företag", "foretag@teleost.se",
     "0771-10 20 30"),
    ("Norrsken Systemutveckling AB", "559144-0012", "Linda Mattsson", "leverans@example.se",
     "08-410 20 30"),
]


@dataclass(frozen=True)
class DemoContract:
    supplier: str
    title: str
    reference: str
    started_years_ago: int
    # The notice date, in days from the day the demo is loaded (negative: passed).
    notice_in: int
    notice_months: int
    renewal_terms: str
    value: int
    services: tuple[str, ...]
    is_terminated: bool = False


CONTRACTS: list[DemoContract] = [
    DemoContract("Skolsystem Norden AB", "Elevadministration och schemaläggning",
                 "UH-2021-014", 4, 24, 6,
                 "Förlängs med ett år i taget om avtalet inte sägs upp senast sex månader före "
                 "avtalstidens slut. Högst två förlängningar.",
                 3_600_000, ("Elevadministrativt system", "Lärplattform")),
    DemoContract("Omsorgsdata AB", "Verksamhetssystem för individ- och familjeomsorg",
                 "UH-2019-031", 6, 75, 12,
                 "Förlängs med två år om avtalet inte sägs upp tolv månader före "
                 "avtalstidens slut.",
                 8_900_000, ("Verksamhetssystem för socialtjänsten",)),
    DemoContract("Molnkontoret Sverige AB", "Microsoft 365 via SKI:s ramavtal",
                 "SKI-PV-2023", 2, 150, 3,
                 "Avropet följer ramavtalet; licensantalet justeras vid årsskiftet.",
                 4_200_000, ("Microsoft 365",)),
    DemoContract("Kalkyl & Lön AB", "Ekonomi- och lönesystem", "UH-2020-007", 5, 200, 9,
                 "Ingen automatisk förlängning: avtalet upphör vid avtalstidens slut.",
                 5_400_000, ("Ekonomisystem", "Lön- och personalsystem")),
    DemoContract("Geodata Syd AB", "Kartor och geodata, drift och support", "UH-2022-019",
                 3, 420, 6, "Förlängs med ett år i taget.", 650_000, ("Kartor och geodata",)),
    DemoContract("Tele Öst AB", "Mobiltelefoni och mobil data", "KAM-2022-03", 3, -20, 3,
                 "Förlängs med ett år i taget om det inte sägs upp tre månader före.",
                 1_900_000, ("Mobiltelefoni och surfplattor",)),
    DemoContract("Norrsken Systemutveckling AB", "Ärendesystem för bygglov: förvaltning",
                 "UH-2016-044", 9, 95, 6,
                 "Uppsagt: systemet ersätts. Avtalet gäller till avtalstidens slut.",
                 1_200_000, ("Ärendesystem för bygglov och tillsyn",), is_terminated=True),
    DemoContract("Norrsken Systemutveckling AB", "E-tjänsteplattformen, vidareutveckling",
                 "UH-2021-052", 4, -400, 6, "Ingen förlängning.", 800_000,
                 ("E-tjänsteplattformen",)),
]

# (product, supplier, contract title, service, count, used, yearly cost, renews in days)
LICENCES: list[tuple[str, str, str | None, str | None, int, int, int, int | None]] = [
    ("Microsoft 365 E3", "Molnkontoret Sverige AB", "Microsoft 365 via SKI:s ramavtal",
     "Microsoft 365", 1200, 1187, 3_100_000, 34),
    ("Microsoft 365 F3", "Molnkontoret Sverige AB", "Microsoft 365 via SKI:s ramavtal",
     "Microsoft 365", 900, 934, 980_000, 34),
    ("Elevadministration, per elev", "Skolsystem Norden AB",
     "Elevadministration och schemaläggning", "Elevadministrativt system", 5200, 4980,
     1_150_000, 120),
    ("Schemaläggning, per skola", "Skolsystem Norden AB",
     "Elevadministration och schemaläggning", "Elevadministrativt system", 14, 14, 210_000,
     120),
    ("Handläggarlicens", "Omsorgsdata AB", "Verksamhetssystem för individ- och familjeomsorg",
     "Verksamhetssystem för socialtjänsten", 320, 301, 1_400_000, 200),
    ("GIS-klient, flytande licens", "Geodata Syd AB",
     "Kartor och geodata, drift och support", "Kartor och geodata", 25, 19, 175_000, 61),
    ("PDF-redigering", None, None, None, 150, 97, 90_000, None),
]


@dataclass(frozen=True)
class DemoPlan:
    service: str
    # What happened to last year's plan and this year's: "approved", "draft" or "".
    last_year: str
    this_year: str
    goals: str
    activities: str
    budget: int
    recovery_hours: int | None
    fallback: str
    scenarios: tuple[tuple[str, str, str], ...]


OUTAGE = ("Leverantörens tjänst ligger nere",)
PLANS: list[DemoPlan] = [
    DemoPlan(
        "Elevadministrativt system", "approved", "approved",
        "Stabil drift under terminerna; närvaro och betyg registreras i tid. Nöjda lärare "
        "(minst 3,8 av 5 i enkäten).",
        "Uppgradering till ny huvudversion under sportlovet.\nUtbildning av nya lärare i "
        "augusti.\nTest av kontinuitetsplanen före betygsperioden i maj.\nUpphandling inför "
        "avtalets slut påbörjas.",
        450_000, 24,
        "Närvaro registreras på papperslistor som skolans expedition för in i efterhand. "
        "Rektor beslutar om betygssättning ska skjutas upp.",
        (
            (*OUTAGE, "Ingen närvaro- eller betygsregistrering; vårdnadshavare får inga "
             "frånvaroaviseringar.", "Avtalad återställningstid 8 timmar; papperslistor i "
             "varje klassrum."),
            ("Cyberangrepp krypterar databasen", "Allt stannar; risk för läckta "
             "personuppgifter om elever.", "Dagliga säkerhetskopior hos leverantören; "
             "incidentplan med kommunens informationssäkerhetssamordnare."),
        ),
    ),
    DemoPlan(
        "Verksamhetssystem för socialtjänsten", "approved", "draft",
        "Säker journalföring; minska handläggningstiden för ekonomiskt bistånd med 10 %.",
        "Införande av e-tjänst för ansökan om ekonomiskt bistånd.\nÖversyn av behörigheter "
        "två gånger per år.\nÖvning av reservrutinen under hösten.",
        1_200_000, 4,
        "Akuta beslut fattas på blankett och journalförs i efterhand; socialjouren har "
        "utskrivna kontaktlistor.",
        (
            ("Strömavbrott i serverhallen", "Handläggare kan inte läsa journaler; akuta "
             "ärenden försenas.", "Reservkraft i serverhallen; utskrivna listor över "
             "pågående placeringar."),
            ("Nätverket till kommunhuset bryts", "Inga uppslag i journalen från "
             "kontoren.", "Mobilt nät som reserv för socialjouren."),
        ),
    ),
    DemoPlan(
        "Lön- och personalsystem", "approved", "approved",
        "Rätt lön i tid varje månad; chefer attesterar i systemet.",
        "Nytt gränssnitt för chefer i april.\nÅrlig avstämning av behörigheter.",
        380_000, None, "",
        (),
    ),
    DemoPlan(
        "Ekonomisystem", "approved", "",
        "Bokslut i tid; elektroniska fakturor hela vägen.",
        "Införande av e-handel för förbrukningsmaterial.", 520_000, 48,
        "Leverantörsfakturor betalas manuellt via banken för de förfallodagar som inte kan "
        "vänta.",
        (("Systemet ligger nere vid månadsskiftet", "Bokslut och utbetalningar försenas.",
          "Manuell betalning via banken; lista över kritiska förfallodagar."),),
    ),
    DemoPlan(
        "E-tjänsteplattformen", "", "draft",
        "Fler e-tjänster för invånare; inloggning med e-legitimation i alla tjänster.",
        "Tio nya e-tjänster.\nTillgänglighetsgranskning av alla formulär.",
        600_000, 12, "",
        ((*OUTAGE, "Invånare kan inte lämna in ansökningar digitalt.",
          "Information på tyreso.se och blanketter att skriva ut."),),
    ),
    DemoPlan(
        "Microsoft 365", "", "approved",
        "Säker samverkan i hela kommunen; övergång till F3-licenser där det räcker.",
        "Licensöversyn per förvaltning.\nUtbildning i Teams för nya medarbetare varje "
        "månad.",
        4_200_000, 8,
        "Kommunikation via telefon och sms; viktiga dokument finns lokalt hos "
        "krisledningen.",
        ((*OUTAGE, "E-post, möten och dokument stannar i hela kommunen.",
          "Krisledningens telefonlista; lokal kopia av kontinuitetsplanerna."),),
    ),
    DemoPlan(
        "Ärendesystem för bygglov och tillsyn", "approved", "approved",
        "Drift fram till att det nya systemet tagits i bruk; inga ärenden tappas i "
        "övergången.",
        "Migrering av pågående ärenden till det nya systemet.\nArkivering av avslutade "
        "ärenden i e-arkivet.",
        300_000, 48,
        "Ansökningar tas emot via e-post och diarieförs; handläggning på papper.",
        (("Migreringen misslyckas", "Pågående ärenden kan inte handläggas.",
          "Det gamla systemet hålls i drift tills migreringen är kontrollerad."),),
    ),
]


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _suppliers(actor: User, created: Counter) -> dict[str, Supplier]:
    found = {s.name: s for s in Supplier.objects.filter(name__in=[row[0] for row in SUPPLIERS])}
    for name, number, contact, email, phone in SUPPLIERS:
        if name not in found:
            found[name] = contracts.supplier_create(actor=actor, data={
                "name": name, "organisation_number": number, "contact_name": contact,
                "contact_email": email, "contact_phone": phone,
            })
            created["suppliers"] += 1
    return found


def _contracts(actor: User, manager: User | None, suppliers: dict[str, Supplier],
               today: date, created: Counter) -> dict[str, Contract]:
    services = {s.name: s for s in Service.objects.all()}
    found = {c.title: c for c in Contract.objects.filter(title__in=[c.title for c in CONTRACTS])}
    for demo in CONTRACTS:
        if demo.title in found:
            continue
        ends_on = today + timedelta(days=demo.notice_in) + relativedelta(
            months=demo.notice_months)
        found[demo.title] = contracts.contract_create(actor=actor, data={
            "supplier": suppliers[demo.supplier], "title": demo.title,
            "reference": demo.reference,
            "starts_on": date(today.year - demo.started_years_ago, ends_on.month, 1),
            "ends_on": ends_on, "notice_months": demo.notice_months,
            "renewal_terms": demo.renewal_terms, "value": Decimal(demo.value),
            "delivery_manager": manager, "is_terminated": demo.is_terminated,
            "services": [services[name] for name in demo.services if name in services],
        })
        created["contracts"] += 1
    return found


def _licences(actor: User, suppliers: dict[str, Supplier], found_contracts: dict,
              today: date, created: Counter) -> None:
    services = {s.name: s for s in Service.objects.all()}
    existing = set(Licence.objects.filter(product__in=[row[0] for row in LICENCES])
                   .values_list("product", flat=True))
    for product, supplier, contract, service, count, used, cost, renews_in in LICENCES:
        if product in existing:
            continue
        contracts.licence_create(actor=actor, data={
            "product": product, "supplier": suppliers.get(supplier),
            "contract": found_contracts.get(contract), "service": services.get(service),
            "count": count, "used": used, "yearly_cost": Decimal(cost),
            "renews_on": today + timedelta(days=renews_in) if renews_in is not None else None,
        })
        created["licences"] += 1


def _plans(clock, coordinator: User, today: date, created: Counter) -> None:
    services = {
        s.name: s for s in Service.objects.select_related("system_owner", "system_manager")
        .filter(name__in=[p.service for p in PLANS])
    }
    this_year = today.year
    latest = _moment(today - timedelta(days=1))
    for demo in PLANS:
        service = services.get(demo.service)
        if service is None:
            continue
        writer = service.system_manager or service.system_owner or coordinator
        approver = service.system_owner or coordinator
        for year, state in ((this_year - 1, demo.last_year), (this_year, demo.this_year)):
            if not state or ManagementPlan.objects.filter(service=service, year=year).exists():
                continue
            clock.set(min(_moment(date(year, 1, 20)), latest))
            if plans.previous_plan(service, year) is not None:
                plan = plans.plan_copy_from_previous_year(service=service, year=year,
                                                          actor=writer)
            else:
                plan = plans.plan_create(service=service, year=year, actor=writer, data={
                    "goals": demo.goals, "activities": demo.activities,
                    "budget": Decimal(demo.budget), "recovery_time_hours": demo.recovery_hours,
                    "manual_fallback": demo.fallback,
                })
                for scenario, impact, measures in demo.scenarios:
                    plans.scenario_add(plan_id=plan.pk, actor=writer, data={
                        "scenario": scenario, "impact": impact, "measures": measures})
            created["management plans"] += 1
            if state == "approved":
                clock.set(min(_moment(date(year, 2, 15), 14), latest))
                plans.plan_approve(plan_id=plan.pk, actor=approver)


def load_plans_and_contracts(clock, now: datetime) -> Counter:
    """Write the missing demo plans, suppliers, contracts and licences; return what was
    added. `now` is the real time the demo is loaded; `clock` is the demo clock."""
    created: Counter = Counter()
    people = {u.username: u for u in User.objects.filter(
        username__in=[ORDERING_FUNCTION, DELIVERY_MANAGER])}
    coordinator = people[ORDERING_FUNCTION]
    today = timezone.localdate(now)
    suppliers = _suppliers(coordinator, created)
    found = _contracts(coordinator, people.get(DELIVERY_MANAGER), suppliers, today, created)
    _licences(coordinator, suppliers, found, today, created)
    _plans(clock, coordinator, today, created)
    return created
