"""The demo's service catalogue: categories, who answers for each system, its service level
and classification, a few more systems, and the integrations between them.

Written through `servicecatalog.services` by the change manager, who owns the catalogue
(§5.2.2). Idempotent like the rest of the demo: a category, service or integration is looked
up by its natural key first, and a demo service is filled in only while it has no category,
so a second run (or a catalogue edited by hand since) is left as it is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from organisation.models import Department, User
from servicecatalog import selectors, services
from servicecatalog.models import Category, Integration, Service

OWNER_OF_THE_CATALOGUE = "andringsansvarig"

# (name, description)
CATEGORIES: list[tuple[str, str]] = [
    ("Arbetsplats och samarbete", "Det varje medarbetare använder: dator, telefon, e-post."),
    ("Skola och förskola", "Verksamhetssystem för barn- och utbildningsförvaltningen."),
    ("Vård och omsorg", "Verksamhetssystem för socialtjänst och omsorg."),
    ("Samhällsbyggnad", "Bygglov, tillsyn, kartor och geodata."),
    ("Kultur och fritid", "Bibliotek, bokning av lokaler och anläggningar."),
    ("Ledning och stöd", "Ekonomi, lön, ärendehantering och kommunikation."),
    ("Infrastruktur", "Gemensamma plattformar som andra system bygger på."),
]

SUPPORT_OFFICE_HOURS = "Vardagar 7–17 via servicedesk, tfn 08-578 291 00"
SERVICEDESK = "Servicedesk: servicedesk@tyreso.se, tfn 08-578 291 00."
STANDARD_LEVELS = ((1, "1", "4"), (2, "4", "16"), (3, "8", "40"), (4, "16", "80"))
CRITICAL_LEVELS = ((1, "0.5", "2"), (2, "2", "8"), (3, "8", "24"), (4, "16", "80"))


@dataclass(frozen=True)
class Details:
    category: str
    department: str
    owner: str
    manager: str
    kind: str = Service.Kind.SYSTEM
    availability_target: str = "99.5"
    support_hours: str = SUPPORT_OFFICE_HOURS
    cia: tuple[int, int, int] = (2, 2, 2)
    personal_data: bool = False
    order_template: str = ""
    levels: tuple[tuple[int, str, str], ...] = STANDARD_LEVELS
    yearly_cost: int | None = None
    internal_notes: str = ""
    contact: str = SERVICEDESK


# Richer data for the services of people.SERVICES, by name.
DETAILS: dict[str, Details] = {
    "Microsoft 365": Details(
        "Arbetsplats och samarbete", "IT", "it-chef", "driftschef", kind=Service.Kind.SERVICE,
        availability_target="99.9", cia=(2, 2, 3), personal_data=True,
        order_template="Förvaltning och enhet:\nAntal licenser och typ (E3/F3):\n"
        "Från och med datum:\nKostnadsställe:",
        levels=CRITICAL_LEVELS, yearly_cost=4_200_000,
        internal_notes="Avtalet via SKI löper ut om två år; utred licensnivåer för F3.",
    ),
    "Arbetsplatsdator": Details(
        "Arbetsplats och samarbete", "IT", "it-chef", "driftschef", kind=Service.Kind.SERVICE,
        availability_target="99.0", cia=(2, 2, 2),
        order_template="Vem ska använda datorn (namn och enhet):\nStandard eller "
        "prestanda-modell:\nBehövs extra skärm eller dockningsstation?\nKostnadsställe:",
        yearly_cost=6_800_000,
    ),
    "Mobiltelefoni och surfplattor": Details(
        "Arbetsplats och samarbete", "IT", "it-chef", "driftschef", kind=Service.Kind.SERVICE,
        availability_target="99.5", cia=(2, 2, 2), personal_data=True,
        order_template="Vem ska använda enheten:\nTelefon eller surfplatta, modell:\n"
        "Abonnemang (samtal, data):\nKostnadsställe:",
        yearly_cost=2_100_000,
    ),
    "E-tjänsteplattformen": Details(
        "Infrastruktur", "KOM", "bestallare-ksf", "it-samordnare", availability_target="99.7",
        support_hours="Dygnet runt för invånarna; support vardagar 7–17",
        cia=(3, 3, 3), personal_data=True,
        order_template="Vilken e-tjänst behövs och för vem (invånare, företag, "
        "föreningar):\nVilket ärende i verksamhetssystemet ska den skapa:\nKrävs "
        "e-legitimation?\nÖnskat startdatum:",
        levels=CRITICAL_LEVELS, yearly_cost=850_000,
        internal_notes="Plattformen ska upphandlas på nytt 2027.",
    ),
    "Elevadministrativt system": Details(
        "Skola och förskola", "BUF", "ersattare", "it-ansvarig-buf", availability_target="99.5",
        cia=(3, 3, 2), personal_data=True, levels=CRITICAL_LEVELS, yearly_cost=1_450_000,
        internal_notes="Skyddade personuppgifter hanteras enligt särskild rutin.",
    ),
    "Lärplattform": Details(
        "Skola och förskola", "BUF", "ersattare", "it-ansvarig-buf", cia=(2, 2, 2),
        personal_data=True, yearly_cost=980_000,
    ),
    "Verksamhetssystem för socialtjänsten": Details(
        "Vård och omsorg", "SOC", "bestallare-soc", "it-samordnare", availability_target="99.8",
        support_hours="Dygnet runt (jourverksamhet); support vardagar 7–17",
        cia=(3, 3, 3), personal_data=True, levels=CRITICAL_LEVELS, yearly_cost=2_600_000,
        internal_notes="Loggar granskas månadsvis enligt patientdatalagen och SoL.",
    ),
    "Ärendesystem för bygglov och tillsyn": Details(
        "Samhällsbyggnad", "SBF", "bestallare-sbf", "kravanalytiker", cia=(2, 2, 2),
        personal_data=True, yearly_cost=640_000,
        internal_notes="Ersätts av nytt system; avtalet förlängs högst ett år.",
    ),
    "Dokument- och ärendehanteringssystem": Details(
        "Ledning och stöd", "KSF", "bestallare-ksf", "it-samordnare", cia=(2, 3, 2),
        personal_data=True, yearly_cost=720_000,
    ),
    "Ekonomisystem": Details(
        "Ledning och stöd", "EKO", "bestallare-ksf", "leveransansvarig", cia=(2, 3, 2),
        yearly_cost=1_150_000,
        internal_notes="Bokslutsperioden (januari–februari): inga ändringar i produktion.",
    ),
    "Lön- och personalsystem": Details(
        "Ledning och stöd", "HR", "bestallare-ksf", "leveransansvarig", cia=(3, 3, 2),
        personal_data=True, yearly_cost=1_300_000,
        internal_notes="Lönekörning den 20:e varje månad: frys tre dagar före.",
    ),
    "Intranätet": Details(
        "Ledning och stöd", "KOM", "bestallare-ksf", "it-samordnare", cia=(1, 2, 2),
        yearly_cost=310_000,
    ),
    "Bokningssystem för lokaler och anläggningar": Details(
        "Kultur och fritid", "KFF", "bestallare-kff", "it-samordnare", cia=(1, 2, 2),
        personal_data=True, yearly_cost=260_000,
    ),
    "Biblioteksdatasystem": Details(
        "Kultur och fritid", "KFF", "bestallare-kff", "it-samordnare", cia=(2, 2, 2),
        personal_data=True, yearly_cost=420_000,
    ),
    "Kartor och geodata": Details(
        "Samhällsbyggnad", "SBF", "bestallare-sbf", "it-arkitekt", cia=(1, 3, 2),
        yearly_cost=540_000,
    ),
}

# Systems the demo adds to the catalogue, so the system map has its hubs:
# (name, description, details)
EXTRA_SERVICES: list[tuple[str, str, Details]] = [
    ("Identitets- och behörighetshantering",
     "Konton, grupper och behörigheter för medarbetare och elever; inloggning till "
     "kommunens system (single sign-on).",
     Details("Infrastruktur", "IT", "it-chef", "driftschef", availability_target="99.9",
             support_hours="Dygnet runt; support vardagar 7–17", cia=(3, 3, 3),
             personal_data=True, levels=CRITICAL_LEVELS, yearly_cost=690_000)),
    ("Integrationsplattform",
     "Överför data mellan verksamhetssystemen enligt ett gemensamt format och loggar "
     "varje överföring.",
     Details("Infrastruktur", "IT", "it-chef", "it-arkitekt", availability_target="99.7",
             cia=(3, 3, 3), personal_data=True, levels=CRITICAL_LEVELS, yearly_cost=480_000)),
    ("E-arkiv",
     "Långtidsbevarande av allmänna handlingar enligt arkivlagen.",
     Details("Ledning och stöd", "KSF", "bestallare-ksf", "it-samordnare",
             cia=(2, 3, 1), personal_data=True, yearly_cost=350_000)),
]

ONE_WAY = Integration.Direction.ONE_WAY
BOTH = Integration.Direction.BOTH
IAM = "Identitets- och behörighetshantering"
ESB = "Integrationsplattform"

# (source, target, direction, data, method, frequency, owner)
INTEGRATIONS: list[tuple[str, str, str, str, str, str, str]] = [
    ("Lön- och personalsystem", IAM, ONE_WAY, "Anställningar och organisationstillhörighet",
     "SCIM via integrationsplattformen", "Varje timme", "driftschef"),
    ("Elevadministrativt system", IAM, ONE_WAY, "Elever, klasser och skolor",
     "SCIM via integrationsplattformen", "Varje natt", "it-ansvarig-buf"),
    (IAM, "Microsoft 365", ONE_WAY, "Konton, grupper och licenser", "Microsoft Graph",
     "Var 30:e minut", "driftschef"),
    (IAM, "Lärplattform", ONE_WAY, "Inloggning (single sign-on)", "SAML 2.0",
     "Vid inloggning", "driftschef"),
    (IAM, "Verksamhetssystem för socialtjänsten", ONE_WAY, "Inloggning med SITHS-kort",
     "SAML 2.0", "Vid inloggning", "driftschef"),
    (IAM, "Intranätet", ONE_WAY, "Inloggning (single sign-on)", "OpenID Connect",
     "Vid inloggning", "driftschef"),
    ("Elevadministrativt system", "Lärplattform", ONE_WAY, "Elever, grupper och scheman",
     "REST API (SS 12000)", "Varje natt", "it-ansvarig-buf"),
    ("Lärplattform", "Elevadministrativt system", ONE_WAY, "Betyg och omdömen",
     "REST API (SS 12000)", "Vid betygsperiodens slut", "it-ansvarig-buf"),
    ("E-tjänsteplattformen", "Dokument- och ärendehanteringssystem", ONE_WAY,
     "Inkomna ansökningar som ärenden", "REST API", "I realtid", "it-samordnare"),
    ("E-tjänsteplattformen", "Verksamhetssystem för socialtjänsten", ONE_WAY,
     "Ansökningar om bistånd", "Integrationsplattformen (meddelandekö)", "I realtid",
     "it-samordnare"),
    ("E-tjänsteplattformen", "Ärendesystem för bygglov och tillsyn", ONE_WAY,
     "Bygglovsansökningar med bilagor", "REST API", "I realtid", "kravanalytiker"),
    ("E-tjänsteplattformen", "Bokningssystem för lokaler och anläggningar", BOTH,
     "Bokningar och lediga tider", "REST API", "I realtid", "it-samordnare"),
    ("Lön- och personalsystem", "Ekonomisystem", ONE_WAY, "Lönekostnader per kostnadsställe",
     "Fil (SFTP) via integrationsplattformen", "Månadsvis", "leveransansvarig"),
    ("Verksamhetssystem för socialtjänsten", "Ekonomisystem", ONE_WAY,
     "Utbetalningar av ekonomiskt bistånd", "Fil (SFTP)", "Dagligen", "leveransansvarig"),
    ("Bokningssystem för lokaler och anläggningar", "Ekonomisystem", ONE_WAY,
     "Kundfakturor för bokningar", "Fil (SFTP)", "Veckovis", "leveransansvarig"),
    ("Biblioteksdatasystem", "Ekonomisystem", ONE_WAY, "Avgifter och ersättningar",
     "Fil (SFTP)", "Månadsvis", "leveransansvarig"),
    ("Kartor och geodata", "Ärendesystem för bygglov och tillsyn", ONE_WAY,
     "Fastigheter, detaljplaner och baskarta", "WMS/WFS", "I realtid", "it-arkitekt"),
    ("Dokument- och ärendehanteringssystem", "E-arkiv", ONE_WAY,
     "Avslutade ärenden för bevarande", "FGS-paket via integrationsplattformen",
     "Månadsvis", "it-samordnare"),
    ("Verksamhetssystem för socialtjänsten", "E-arkiv", ONE_WAY,
     "Avslutade akter för bevarande", "FGS-paket via integrationsplattformen", "Årsvis",
     "it-samordnare"),
    ("Elevadministrativt system", "E-arkiv", ONE_WAY, "Slutbetyg för bevarande",
     "FGS-paket via integrationsplattformen", "Årsvis", "it-ansvarig-buf"),
    ("Lön- och personalsystem", ESB, BOTH, "Personaluppgifter och avvikelser",
     "REST API", "Varje timme", "driftschef"),
    ("Ekonomisystem", ESB, ONE_WAY, "Leverantörsfakturor och verifikationer",
     "Fil (SFTP)", "Dagligen", "driftschef"),
    ("Intranätet", "Microsoft 365", BOTH, "Nyheter, dokument och kalender",
     "Microsoft Graph", "I realtid", "it-samordnare"),
    ("Arbetsplatsdator", IAM, ONE_WAY, "Datorernas konton och certifikat",
     "Kerberos och Intune", "Vid start", "driftschef"),
]


def _people(usernames: set[str]) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=usernames)}


def _data(details: Details, people: dict[str, User], departments: dict[str, Department],
          categories: dict) -> dict:
    confidentiality, integrity, availability = details.cia
    return {
        "kind": details.kind,
        "category": categories[details.category],
        "department": departments.get(details.department),
        "system_owner": people.get(details.owner),
        "system_manager": people.get(details.manager),
        "contact": details.contact,
        "availability_target": Decimal(details.availability_target),
        "support_hours": details.support_hours,
        "confidentiality": confidentiality,
        "integrity": integrity,
        "availability": availability,
        "personal_data": details.personal_data,
        "order_template": details.order_template,
        "yearly_cost": Decimal(details.yearly_cost) if details.yearly_cost else None,
        "internal_notes": details.internal_notes,
    }


def _levels(details: Details) -> list[dict]:
    return [
        {"priority": p, "response_hours": Decimal(r), "resolution_hours": Decimal(s)}
        for p, r, s in details.levels
    ]


def load_catalogue() -> Counter:
    """Write the missing parts of the demo catalogue; return what was added."""
    created: Counter = Counter()
    wanted_people = {OWNER_OF_THE_CATALOGUE}
    for details in [*DETAILS.values(), *(d for _n, _t, d in EXTRA_SERVICES)]:
        wanted_people |= {details.owner, details.manager}
    wanted_people |= {row[6] for row in INTEGRATIONS}
    people = _people(wanted_people)
    actor = people[OWNER_OF_THE_CATALOGUE]
    departments = {d.short_name: d for d in Department.objects.all()}

    existing_categories = set(
        Category.objects.filter(name__in=[n for n, _d in CATEGORIES])
        .values_list("name", flat=True)
    )
    categories = services.categories_ensure(actor=actor, names=[n for n, _d in CATEGORIES])
    for name, description in CATEGORIES:
        if name not in existing_categories:
            category = categories[name]
            category.description = description
            category.save(update_fields=["description"])
            created["categories"] += 1

    for name, description, details in EXTRA_SERVICES:
        if not Service.objects.filter(name=name).exists():
            services.service_create(
                actor=actor,
                data={"name": name, "description": description,
                      **_data(details, people, departments, categories)},
                levels=_levels(details),
            )
            created["catalogue services"] += 1

    for service in Service.objects.filter(name__in=list(DETAILS), category__isnull=True):
        details = DETAILS[service.name]
        services.service_update(
            actor=actor, service_id=service.pk,
            data=_data(details, people, departments, categories), levels=_levels(details),
            expected_version=selectors.service_version(service.pk),
        )
        created["catalogue details"] += 1

    by_name = {s.name: s for s in Service.objects.filter(
        name__in={row[0] for row in INTEGRATIONS} | {row[1] for row in INTEGRATIONS})}
    present = set(Integration.objects.values_list("source__name", "target__name", "data"))
    for source, target, direction, data, method, frequency, owner in INTEGRATIONS:
        if (source, target, data) in present or source not in by_name or target not in by_name:
            continue
        services.integration_create(actor=actor, data={
            "source": by_name[source], "target": by_name[target], "direction": direction,
            "data": data, "method": method, "frequency": frequency, "owner": people.get(owner),
        })
        created["integrations"] += 1
    return created
