"""Who is who in the demo: departments, people, providers and catalogue services.

The departments are Tyresö kommun's förvaltningar; the staff units of the
kommunstyrelseförvaltningen are its children. The report behind the product also names the
Upphandlingsenheten and the Konsult- och servicekontoret as places that order IT.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Every demo user has this password; `make run` prints it with the user names. It follows the
# product's own password rules (AUTH_PASSWORD_VALIDATORS: twelve characters at least).
DEMO_PASSWORD = "tyreso-demo-2026"  # noqa: S105 - a published demo password, never for production

# (short name, name, parent's short name, functional mailbox)
DEPARTMENTS: list[tuple[str, str, str | None, str]] = [
    ("BUF", "Barn- och utbildningsförvaltningen", None, "buf@tyreso.se"),
    ("SOC", "Socialförvaltningen", None, "soc@tyreso.se"),
    ("SBF", "Samhällsbyggnadsförvaltningen", None, "sbf@tyreso.se"),
    ("KFF", "Kultur- och fritidsförvaltningen", None, "kff@tyreso.se"),
    ("KSF", "Kommunstyrelseförvaltningen", None, "ksf@tyreso.se"),
    ("EKO", "Ekonomiavdelningen", "KSF", "ekonomi@tyreso.se"),
    ("HR", "HR-avdelningen", "KSF", "hr@tyreso.se"),
    ("KOM", "Kommunikationsavdelningen", "KSF", "kommunikation@tyreso.se"),
    ("UPH", "Upphandlingsenheten", "KSF", "upphandling@tyreso.se"),
    ("IT", "IT-enheten", "KSF", "it-enheten@tyreso.se"),
    ("KSK", "Konsult- och servicekontoret", None, "ksk@tyreso.se"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    title: str
    roles: tuple[str, ...]
    # What the person does in the demo, shown in the login table (Swedish, like the UI).
    summary: str
    email: str = ""
    is_superuser: bool = False
    extra: dict = field(default_factory=dict)
    # Permissions held by the person themselves, outside every role ("app_label.codename").
    permissions: tuple[str, ...] = ()

    def address(self) -> str:
        if self.email:
            return self.email
        local = f"{self.first_name}.{self.last_name}".lower()
        for swedish, plain in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e"), (" ", "")):
            local = local.replace(swedish, plain)
        return f"{local}@tyreso.se"


USERS: list[DemoUser] = [
    DemoUser("bestallare", "Anna", "Lindqvist", "Verksamhetsutvecklare", ("orderer",),
             "Behörig beställare på BUF: skriver, skickar in, kompletterar, godkänner leveranser"),
    DemoUser("ersattare", "Johan", "Ekström", "Administrativ chef", ("orderer",),
             "Ersättare för BUF:s beställare: kan skicka in för förvaltningen"),
    DemoUser("it-ansvarig-buf", "Maria", "Holm", "Samordnande IT-ansvarig",
             ("department_it_lead",),
             "Samordnande IT-ansvarig på BUF: ser alla BUF:s beställningar, även utkast"),
    DemoUser("bestallare-soc", "Karin", "Sjöberg", "Enhetschef", ("orderer",),
             "Behörig beställare på Socialförvaltningen"),
    DemoUser("bestallare-sbf", "Erik", "Nordin", "Bygglovschef", ("orderer",),
             "Behörig beställare på Samhällsbyggnadsförvaltningen"),
    DemoUser("bestallare-kff", "Sara", "Wikström", "Verksamhetsutvecklare", ("orderer",),
             "Behörig beställare på Kultur- och fritidsförvaltningen"),
    DemoUser("bestallare-ksf", "Peter", "Blom", "Controller", ("orderer",),
             "Beställare för KSF och dess avdelningar (ekonomi, HR, kommunikation)"),
    DemoUser("it-samordnare", "Lena", "Forsberg", "IT-samordnare", ("it_coordinator",),
             "Beställarfunktionen: tar emot och bereder beställningar, planerar"),
    DemoUser("kravanalytiker", "Ahmed", "Karimi", "Kravanalytiker", ("requirements_analyst",),
             "Beställarfunktionen: gör behov till IT-krav"),
    DemoUser("it-arkitekt", "Jonas", "Berg", "IT-arkitekt", ("it_architect",),
             "Beställarfunktionen: granskar arkitektur och informationssäkerhet"),
    DemoUser("leveransansvarig", "Helena", "Strand", "Leverantörs- och leveransansvarig",
             ("delivery_manager",),
             "Beställarfunktionen: planerar leveranser och leverantörer"),
    DemoUser("andringsansvarig", "Mikael", "Öberg", "Ändringsansvarig och projektcontroller",
             ("change_manager",),
             "Ordförande i Beslutsråd IT: beslutar på delegation, äger portföljen"),
    DemoUser("it-chef", "Eva", "Dahlgren", "IT-chef", ("it_chief",),
             "Ser alla beställningar och portföljen"),
    DemoUser("bitr-it-chef", "Fredrik", "Lund", "Biträdande IT-chef", ("deputy_it_chief",),
             "Ser alla beställningar; processägare"),
    DemoUser("driftschef", "Camilla", "Nyström", "IT-driftschef", ("it_operations_manager",),
             "Leder IT-driften; utför beställningar som IT-enheten fått"),
    DemoUser("servicedesk", "Oskar", "Håkansson", "Servicedesk", ("service_desk",),
             "Servicedesk: läser tjänstekatalogen"),
    DemoUser("utforare", "Nils", "Bergqvist", "IT-tekniker", ("provider",),
             "Utförare på IT-enheten: startar och levererar tilldelade beställningar"),
    DemoUser("leverantor", "Linda", "Mattsson", "Konsult", ("provider",),
             "Extern leverantör: ser och levererar det leverantören tilldelats",
             email="linda.mattsson@example.se"),
    DemoUser("registrator", "Ingrid", "Sandberg", "Registrator", (),
             "Registrator på kommunledningskontoret: läser och exporterar diariet",
             permissions=("orders.view_register",)),
    DemoUser("admin", "Systemadministratör", "", "Systemadministratör", (),
             "Superanvändare: Djangos administration (/admin/)", email="admin@tyreso.se",
             is_superuser=True),
]

# (department, authorised orderer, deputy, note)
REGISTRATIONS: list[tuple[str, str, str | None, str]] = [
    ("BUF", "bestallare", "ersattare", "Beställare för förvaltningens verksamhetssystem."),
    ("SOC", "bestallare-soc", None,
     "Beställare för individ- och familjeomsorgen och äldreomsorgen."),
    ("SBF", "bestallare-sbf", None, ""),
    ("KFF", "bestallare-kff", None, ""),
    ("KSF", "bestallare-ksf", None, "Beställare för kommunstyrelseförvaltningens staber."),
    ("EKO", "bestallare-ksf", None, ""),
    ("HR", "bestallare-ksf", None, ""),
    ("KOM", "bestallare-ksf", None, ""),
]

# (department, department IT lead)
IT_LEADS: list[tuple[str, str]] = [("BUF", "it-ansvarig-buf")]

INTERNAL_PROVIDER = "IT-enheten"
EXTERNAL_PROVIDER = "Norrsken Systemutveckling AB"

# (name, kind, functional mailbox, members)
PROVIDERS: list[tuple[str, str, str, tuple[str, ...]]] = [
    (INTERNAL_PROVIDER, "internal", "it-enheten@tyreso.se", ("utforare", "driftschef")),
    (EXTERNAL_PROVIDER, "external", "leverans@example.se", ("leverantor",)),
]

# (name, description, lifecycle, orderable)
SERVICES: list[tuple[str, str, str, bool]] = [
    ("Microsoft 365", "E-post, kalender, Teams, OneDrive och Office-programmen för alla "
     "medarbetare. Licenser beställs per förvaltning.", "in_use", True),
    ("Arbetsplatsdator", "Kommunens standarddator med installerade program, support och "
     "utbyte vart fjärde år.", "in_use", True),
    ("Mobiltelefoni och surfplattor", "Mobiltelefoner, surfplattor och abonnemang enligt "
     "kommunens avtal.", "in_use", True),
    ("E-tjänsteplattformen", "Plattformen för kommunens e-tjänster med inloggning med "
     "e-legitimation och koppling till ärendehanteringen.", "in_use", True),
    ("Elevadministrativt system", "Elevregister, schema, frånvaro och betyg för grundskola "
     "och gymnasium.", "in_use", False),
    ("Lärplattform", "Plattform för undervisning, uppgifter och kommunikation med "
     "vårdnadshavare.", "in_use", False),
    ("Verksamhetssystem för socialtjänsten", "Journalföring och ärendehantering inom "
     "individ- och familjeomsorg och äldreomsorg.", "in_use", False),
    ("Ärendesystem för bygglov och tillsyn", "Handläggning av bygglov, anmälningar och "
     "tillsyn. Avtalet löper ut och systemet ska ersättas.", "phasing_out", False),
    ("Dokument- och ärendehanteringssystem", "Diarium, ärenden och protokoll för nämnder "
     "och förvaltningar.", "in_use", False),
    ("Ekonomisystem", "Redovisning, budget, leverantörs- och kundfakturor.", "in_use", False),
    ("Lön- och personalsystem", "Lön, anställningar, scheman och personaladministration.",
     "in_use", False),
    ("Intranätet", "Kommunens intranät för medarbetare.", "in_use", False),
    ("Bokningssystem för lokaler och anläggningar", "Bokning av idrottshallar, lokaler och "
     "anläggningar för föreningar och allmänhet.", "in_use", False),
    ("Biblioteksdatasystem", "Katalog, utlån och låntagarregister för kommunens bibliotek.",
     "in_use", False),
    ("Kartor och geodata", "Kommunens geografiska informationssystem med baskarta och "
     "detaljplaner.", "in_use", False),
]
