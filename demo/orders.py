"""The demo orders: what each department asked for and what happened to it, step by step.

Each order is a scenario: its content, the day its draft was written (days ago) and the steps
it went through, each `gap` days after the previous one (the steps are built with
`order_steps`). The loader plays every step through the order services at that point in
time, so the history reads like a real year of orders.
"""

from __future__ import annotations

from .order_steps import (
    DemoOrder,
    Option,
    Prep,
    accept,
    answer,
    ask,
    board,
    comment,
    delegated,
    deliver,
    deviation,
    plan,
    prepare,
    ready,
    start,
    submit,
    take_on,
    withdraw,
)
from .people import EXTERNAL_PROVIDER, INTERNAL_PROVIDER

IT = INTERNAL_PROVIDER
EXT = EXTERNAL_PROVIDER
BIT_APPROVE = "Beslutsråd IT godkänner beställningen enligt beslutsunderlaget."


ORDERS: list[DemoOrder] = [
    # --- utkast (draft) --------------------------------------------------------------------
    DemoOrder(
        "Digitala närvarolistor för fritidsgårdarna", "KFF", "bestallare-kff", "new_function",
        "Fritidsgårdarna för närvaro på papper. Uppgifterna behövs till statistik och "
        "föreningsbidrag men förs över för hand varje månad.",
        started=3,
        requirements="Personalen ska kunna registrera besök från mobil eller surfplatta. "
        "Statistik per gård och månad ska kunna tas ut utan efterarbete.",
        benefit="Mindre administration och säkrare statistik.",
    ),
    DemoOrder(
        "Skärmläsare och talsyntes för elever med läs- och skrivsvårigheter", "BUF",
        "bestallare", "new_function",
        "Elever med läs- och skrivsvårigheter behöver kunna få text uppläst och skriva med "
        "talstöd på skolans datorer och i lärplattformen.",
        started=2, personal_data=False,
        legal="Skollagen 3 kap.: stöd i form av extra anpassningar.",
    ),
    DemoOrder(
        "Mobilt arbetssätt för hemtjänsten", "SOC", "bestallare-soc", "project",
        "Hemtjänstens medarbetare åker tillbaka till kontoret för att läsa och dokumentera. "
        "Vi vill kunna ta del av planering och dokumentera hos brukaren.",
        started=6, personal_data=True,
        requirements="Åtkomst till planering och dokumentation i mobilen, säker inloggning.",
        one_off=650_000, yearly=180_000, lifetime=5, yearly_benefit=420_000,
    ),
    # --- inkommen (submitted) --------------------------------------------------------------
    DemoOrder(
        "E-tjänst för ansökan om skolskjuts", "BUF", "bestallare", "new_function",
        "Vårdnadshavare ansöker om skolskjuts på en pappersblankett som skannas och "
        "registreras för hand. Handläggningen tar lång tid i augusti.",
        started=4, service="E-tjänsteplattformen", personal_data=True,
        requirements="Inloggning med e-legitimation. Adress och skola hämtas automatiskt. "
        "Beslut skickas digitalt till vårdnadshavaren.",
        benefit="Kortare handläggningstid och färre kompletteringar.",
        one_off=120_000, yearly=15_000, lifetime=6, yearly_benefit=60_000, desired_in=120,
        steps=(submit(1),),
    ),
    DemoOrder(
        "Webbokning av idrottshallar för föreningar", "KFF", "bestallare-kff", "change",
        "Föreningarna mejlar och ringer för att boka tider i idrottshallarna. Vi vill att de "
        "kan se lediga tider och boka själva.",
        started=26, service="Bokningssystem för lokaler och anläggningar",
        requirements="Föreningar loggar in och bokar lediga tider; fakturaunderlag skapas.",
        benefit="Frigör ungefär en halv tjänst på bokningen.",
        one_off=80_000, yearly=20_000, lifetime=5, yearly_benefit=250_000,
        steps=(submit(2), comment(3, None, "Finns det något vi kan göra för att snabba på? "
                                           "Vi vill gärna ha det på plats till höstterminen.")),
    ),
    DemoOrder(
        "Digital personalakt", "HR", "bestallare-ksf", "new_function",
        "Personalakterna finns i pärmar på varje arbetsplats. Det är svårt att hitta "
        "handlingar och att gallra enligt dokumenthanteringsplanen.",
        started=8, personal_data=True,
        legal="Arkivlagen och dataskyddsförordningen (gallring och åtkomst).",
        requirements="Behörighetsstyrd åtkomst per chef, gallring enligt plan.",
        steps=(submit(1),),
    ),
    # --- under beredning (in preparation) ---------------------------------------------------
    DemoOrder(
        "Nytt verksamhetssystem för bygglov", "SBF", "bestallare-sbf", "project",
        "Avtalet för nuvarande ärendesystem för bygglov löper ut om ett och ett halvt år och "
        "systemet stöder inte digitala ansökningar fullt ut.",
        started=42, service="Ärendesystem för bygglov och tillsyn",
        requirements="Digital ansökan, handläggning, kommunicering och beslut. Koppling till "
        "kartor och geodata och till diariet.",
        benefit="Snabbare handläggning och möjlighet att följa lagkrav om handläggningstider.",
        one_off=1_800_000, yearly=350_000, lifetime=8, yearly_benefit=500_000,
        legal="Plan- och bygglagen: tidsfrister för handläggning.", personal_data=True,
        prep=Prep(
            it="Systemet ska kunna ta emot ansökningar från e-tjänsteplattformen, integreras "
            "med kartor och geodata och med dokument- och ärendehanteringssystemet.",
            arch="Upphandlas som molntjänst; kräver riskanalys för personuppgifter.",
            cost=2_100_000, hours=1200, risk="high",
            risks="Stort införande under pågående handläggning; tidsfristen i avtalet.",
            rec="Genomförs som projekt med upphandling under våren.",
            prio=(4, 4, 4, 3, 4, 2),
        ),
        options=(
            Option("Upphandla nytt system som tjänst",
                   "Ramavtal för bygglovssystem som molntjänst.",
                   "Leverantören sköter drift och uppgraderingar.",
                   "Kräver riskbedömning för personuppgifter i molnet.", 2_100_000, True),
            Option("Förlänga och uppgradera nuvarande system",
                   "Förhandla förlängning med nuvarande leverantör.",
                   "Kortare införande.", "Stöder inte digital ansökan fullt ut.", 900_000),
        ),
        steps=(
            submit(1), take_on(3, "kravanalytiker"), prepare(6, partial=True),
            comment(2, "kravanalytiker", "Jag bokar en workshop med bygglovshandläggarna "
                    "nästa vecka för att gå igenom kraven."),
            comment(1, None, "Bra, vi ser till att två handläggare och registratorn kan vara "
                    "med."),
        ),
    ),
    DemoOrder(
        "Digital signering av avtal", "KSF", "bestallare-ksf", "new_function",
        "Avtal skrivs ut, skickas med post och skannas när de kommer tillbaka. Det tar ofta "
        "flera veckor innan ett avtal är påskrivet av båda parter.",
        started=56, service="Dokument- och ärendehanteringssystem",
        requirements="Signering med e-legitimation för interna och externa parter. Signerat "
        "avtal sparas i diariet.",
        benefit="Kortare ledtider och mindre porto och skanning.",
        one_off=60_000, yearly=45_000, lifetime=5, yearly_benefit=90_000,
        prep=Prep(
            it="Avancerad elektronisk underskrift; koppling till dokument- och "
            "ärendehanteringssystemet.",
            cost=95_000, hours=120, risk="low", rec="", prio=(1, 2, 4, 2, 3, 3),
        ),
        steps=(
            submit(1), take_on(2, "it-arkitekt"),
            ask(3, "Vilka typer av avtal gäller det, och ska även nämndernas beslut och "
                "protokoll kunna signeras? Hur många signeringar räknar ni med per år?"),
            answer(5, "I första hand avtal och anställningsavtal, ungefär 1 500 signeringar "
                   "per år. Protokollen tar vi i ett senare steg."),
            prepare(4, partial=True),
        ),
    ),
    DemoOrder(
        "Anslutning av trygghetslarm till verksamhetssystemet", "SOC", "bestallare-soc",
        "change",
        "Larm från trygghetslarmen hanteras i en separat portal. Hemtjänsten behöver se "
        "larmhistoriken tillsammans med brukarens planering.",
        started=95, service="Verksamhetssystem för socialtjänsten", personal_data=True,
        requirements="Larm och larmhistorik visas i verksamhetssystemet.",
        benefit="Säkrare insatser och mindre dubbelregistrering.",
        one_off=150_000, yearly=30_000, lifetime=5, yearly_benefit=80_000,
        prep=Prep(
            it="Integration mellan larmleverantörens tjänst och verksamhetssystemet via "
            "leverantörens API.",
            arch="Integrationen ska gå via kommunens integrationsplattform.",
            cost=180_000, hours=240, risk="medium",
            risks="Känsliga personuppgifter i integrationen.",
            rec="Godkänns under förutsättning att riskanalysen är klar.",
            prio=(2, 4, 3, 4, 3, 2),
        ),
        steps=(
            submit(1), take_on(2, "it-arkitekt"), prepare(8), ready(3),
            board(12, "return", reason="Återremitteras: komplettera med en riskanalys för "
                  "informationssäkerhet och personuppgiftsbehandling innan beslut.",
                  note="Tas upp igen när riskanalysen är klar."),
            comment(2, "it-arkitekt", "Riskanalysen är bokad med informationssäkerhets"
                    "samordnaren och dataskyddsombudet."),
        ),
    ),
    DemoOrder(
        "Schemaläggning för förskolans personal", "BUF", "bestallare", "new_function",
        "Förskolorna lägger personalscheman i kalkylark. Det är svårt att se bemanningen "
        "mot barnens vistelsetider.",
        started=21,
        requirements="Scheman per förskola kopplade till barnens vistelsetider.",
        benefit="Bättre bemanning och mindre tid för förskolecheferna.",
        steps=(submit(1), take_on(4, "it-samordnare")),
    ),
    # --- komplettering begärd (awaiting supplement) -----------------------------------------
    DemoOrder(
        "Chattfunktion på kommunens webbplats", "KOM", "bestallare-ksf", "new_function",
        "Invånare vill kunna ställa enkla frågor utan att ringa kontaktcenter.",
        started=31,
        requirements="Chatt på webbplatsen under kontaktcenters öppettider.",
        benefit="Färre samtal till kontaktcenter.",
        steps=(
            submit(1), take_on(2, "kravanalytiker"),
            ask(4, "Vem ska bemanna chatten, och behöver den fungera utanför kontaktcenters "
                "öppettider? Beskriv gärna hur många frågor ni räknar med.", due=10),
        ),
    ),
    DemoOrder(
        "Digital hantering av elevhälsans journaler", "BUF", "bestallare", "new_function",
        "Elevhälsans journaler förs på papper på flera skolor. Journaler följer inte med när "
        "elever byter skola inom kommunen.",
        started=36, personal_data=True,
        legal="Patientdatalagen och skollagen: journalföring inom elevhälsan.",
        requirements="Journalföring för skolsköterskor, skolläkare och kuratorer med "
        "behörighetsstyrning och loggning.",
        steps=(
            submit(1, by="it-ansvarig-buf"), take_on(2, "it-arkitekt"),
            ask(5, "Vilka yrkesgrupper ska ha åtkomst, och ska journaler från förskolan "
                "också ingå? Finns det ett beslut om vilken journalmall som gäller?", due=14),
        ),
    ),
    DemoOrder(
        "Mobil inspektion för miljö- och livsmedelstillsyn", "SBF", "bestallare-sbf",
        "new_function",
        "Inspektörerna antecknar på papper under tillsynsbesök och skriver in allt i "
        "efterhand.",
        started=29,
        requirements="Checklistor och foton i mobilen, kopplat till tillsynsärendet.",
        steps=(
            submit(2), take_on(1, "kravanalytiker"),
            ask(3, "Vilka tillsynsområden ska ingå från början, och används samma "
                "checklistor för miljö och livsmedel?", due=7),
        ),
    ),
    # --- redo för beslut (ready for decision) -----------------------------------------------
    DemoOrder(
        "Ersättning av lärplattformen", "BUF", "bestallare", "project",
        "Avtalet för lärplattformen går ut nästa sommar. Lärare och vårdnadshavare är "
        "missnöjda med hur svår den är att använda i mobilen.",
        started=78, service="Lärplattform", personal_data=True,
        requirements="Uppgifter, bedömning och kommunikation med vårdnadshavare; fungerar "
        "i mobilen; koppling till elevadministrativa systemet.",
        benefit="Enklare vardag för lärare och bättre kontakt med vårdnadshavare.",
        one_off=900_000, yearly=600_000, lifetime=6, yearly_benefit=700_000,
        desired_in=300,
        prep=Prep(
            it="Inloggning via kommunens identitetslösning, elev- och gruppdata från det "
            "elevadministrativa systemet, tillgänglighet enligt WCAG 2.1 AA.",
            arch="Molntjänst; personuppgiftsbiträdesavtal och riskanalys krävs.",
            cost=1_400_000, hours=900, risk="medium",
            risks="Byte mitt i läsåret undviks; utbildning av cirka 900 lärare.",
            rec="Upphandla ny lärplattform med införande inför höstterminen.",
            prio=(2, 4, 3, 3, 4, 3),
        ),
        options=(
            Option("Upphandla ny lärplattform", "Öppen upphandling med införande i "
                   "augusti.", "Bättre mobilstöd.", "Stort utbildningsbehov.", 1_400_000,
                   True),
            Option("Förlänga nuvarande avtal två år", "", "Ingen omställning.",
                   "Löser inte problemen med mobilen.", 1_200_000),
        ),
        steps=(submit(1), take_on(2, "kravanalytiker"), prepare(10), ready(14)),
    ),
    DemoOrder(
        "E-tjänst för ansökan om ekonomiskt bistånd", "SOC", "bestallare-soc",
        "new_function",
        "Ansökningar om ekonomiskt bistånd lämnas på papper varje månad med kopior av "
        "underlag. Handläggarna lägger mycket tid på registrering.",
        started=72, service="E-tjänsteplattformen", personal_data=True,
        requirements="Månadsansökan med e-legitimation, bifogade underlag, överföring till "
        "verksamhetssystemet.",
        benefit="Kortare handläggningstid och färre besök.",
        one_off=250_000, yearly=40_000, lifetime=6, yearly_benefit=300_000,
        prep=Prep(
            it="E-tjänst på e-tjänsteplattformen med integration till verksamhetssystemet "
            "för socialtjänsten.",
            cost=320_000, hours=400, risk="medium",
            risks="Känsliga personuppgifter; kräver riskanalys.",
            rec="Godkänns och genomförs under året.", prio=(1, 5, 4, 2, 4, 4),
        ),
        steps=(
            submit(1), take_on(2, "it-samordnare"), prepare(9), ready(6),
            board(10, "defer", note="Bordläggs till nästa möte i väntan på "
                  "socialnämndens budgetbeslut."),
        ),
    ),
    DemoOrder(
        "Automatisk tolkning av leverantörsfakturor", "EKO", "bestallare-ksf", "change",
        "Pappersfakturor och pdf-fakturor registreras för hand i ekonomisystemet.",
        started=61, service="Ekonomisystem",
        requirements="Fakturor tolkas automatiskt och kontrolleras mot avtal och order.",
        benefit="Frigör tid på ekonomiavdelningen och minskar felbetalningar.",
        one_off=200_000, yearly=60_000, lifetime=5, yearly_benefit=250_000,
        prep=Prep(
            it="Tolkningstjänst kopplad till ekonomisystemets fakturaflöde.",
            cost=240_000, hours=200, risk="low",
            rec="Godkänns; avropas från befintligt ramavtal.", prio=(0, 1, 5, 2, 3, 4),
        ),
        steps=(submit(1), take_on(3, "leveransansvarig"), prepare(7), ready(9)),
    ),
    DemoOrder(
        "Publikt wifi i bibliotek och idrottshallar", "KFF", "bestallare-kff",
        "new_function",
        "Besökare och föreningar frågar efter trådlöst nätverk i biblioteken och "
        "idrottshallarna.",
        started=50,
        requirements="Öppet gästnät med användarvillkor, skilt från kommunens nät.",
        benefit="Bättre service till besökare och föreningar.",
        one_off=300_000, yearly=50_000, lifetime=5,
        prep=Prep(
            it="Gästnät på separat förbindelse; accesspunkter i fem lokaler.",
            arch="Gästnätet får inte dela nät med verksamhetens system.",
            cost=350_000, hours=160, risk="low",
            rec="Godkänns och genomförs av IT-enheten.", prio=(0, 4, 1, 1, 3, 2),
        ),
        steps=(submit(1), take_on(5, "it-arkitekt"), prepare(8), ready(6)),
    ),
    # --- godkänd (approved) ------------------------------------------------------------------
    DemoOrder(
        "Utökade licenser för Office 365 på BUF", "BUF", "bestallare", "catalogue_service",
        "Förvaltningen har anställt fler lärare och elevassistenter än licenserna räcker "
        "till.",
        started=46, service="Microsoft 365",
        requirements="120 ytterligare licenser med e-post och Teams.",
        one_off=0, yearly=85_000, lifetime=3,
        prep=Prep(
            it="120 licenser av samma typ som övriga lärare.", cost=85_000, hours=16,
            risk="low", rec="Godkänns på delegation.", prio=(0, 2, 3, 1, 3, 3),
        ),
        steps=(
            submit(1), take_on(2, "leveransansvarig"), prepare(3),
            delegated(2, "Ryms inom ramavtalet och delegationen; beviljas."),
        ),
    ),
    DemoOrder(
        "Integration mellan schema- och lönesystemet", "HR", "bestallare-ksf", "change",
        "Arbetade timmar i schemasystemet förs över till lönesystemet för hand varje "
        "månad, vilket ger fel i lönerna.",
        started=105, service="Lön- och personalsystem", personal_data=True,
        requirements="Automatisk överföring av arbetad tid och ob-tillägg.",
        benefit="Färre löneavvikelser och mindre manuellt arbete.",
        one_off=180_000, yearly=25_000, lifetime=6, yearly_benefit=200_000,
        prep=Prep(
            it="Filöverföring varje natt via integrationsplattformen.",
            cost=210_000, hours=260, risk="medium",
            risks="Fel i överföringen påverkar lönerna; parallellkörning krävs.",
            rec="Godkänns med parallellkörning under två lönekörningar.",
            prio=(1, 1, 5, 3, 3, 4),
        ),
        steps=(
            submit(1), take_on(2, "kravanalytiker"), prepare(12), ready(7),
            board(9, "approve", note=BIT_APPROVE),
        ),
    ),
    DemoOrder(
        "Öppna geodata på kommunens webbplats", "SBF", "bestallare-sbf", "new_function",
        "Företag och invånare efterfrågar kartdata, detaljplaner och adresser som öppna "
        "data.",
        started=98, service="Kartor och geodata",
        requirements="Publicering av utvalda datamängder i öppna format med API.",
        legal="Lagen om den offentliga sektorns tillhandahållande av data (öppna data).",
        one_off=140_000, yearly=20_000, lifetime=5,
        prep=Prep(
            it="Publicering via geodataplattformens API; datamängder enligt nationell "
            "specifikation.",
            cost=160_000, hours=180, risk="low",
            rec="Godkänns; följer lagkrav och kommunens digitaliseringsplan.",
            prio=(4, 3, 2, 1, 4, 2),
        ),
        steps=(
            submit(1), take_on(3, "it-arkitekt"), prepare(10), ready(8),
            board(13, "approve", note=BIT_APPROVE),
        ),
    ),
    # --- avslagen (rejected) -----------------------------------------------------------------
    DemoOrder(
        "Egen app för kommunens evenemang", "KOM", "bestallare-ksf", "new_function",
        "Vi vill nå unga invånare med information om evenemang i kommunen.",
        started=150,
        requirements="App för iOS och Android med evenemangskalender och notiser.",
        one_off=450_000, yearly=120_000, lifetime=4, yearly_benefit=50_000,
        prep=Prep(
            it="Native app för två plattformar med koppling till webbplatsens kalender.",
            cost=520_000, hours=700, risk="medium",
            risks="Höga förvaltningskostnader; få nedladdningar i jämförbara kommuner.",
            rec="Avslås. Behovet kan mötas med webbplatsens evenemangskalender som anpassas "
            "för mobilen.", prio=(0, 2, 0, 0, 1, 0),
        ),
        steps=(
            submit(1), take_on(2, "kravanalytiker"), prepare(9), ready(6),
            board(12, "reject", reason="Nyttan motsvarar inte livscykelkostnaden. Behovet "
                  "tillgodoses genom att evenemangskalendern på webbplatsen anpassas för "
                  "mobilen."),
            comment(1, None, "Vi förstår beslutet och tar upp mobilanpassningen med "
                    "webbredaktionen."),
        ),
    ),
    DemoOrder(
        "Molntjänst för fildelning med externa konsulter", "SBF", "bestallare-sbf",
        "new_function",
        "Vi behöver dela stora ritningsfiler med konsulter och exploatörer.",
        started=132,
        requirements="Dela filer på flera gigabyte med externa parter.",
        one_off=20_000, yearly=40_000, lifetime=3,
        prep=Prep(
            it="Fristående molntjänst för fildelning.", cost=60_000, hours=40,
            risk="high", risks="Tjänsten uppfyller inte kommunens krav på "
            "informationssäkerhet.",
            rec="Avslås. Extern delning i Microsoft 365 täcker behovet.",
            prio=(0, 1, 2, 0, 0, 1),
        ),
        steps=(
            submit(1), take_on(2, "it-arkitekt"), prepare(5), ready(3),
            board(14, "reject", reason="Strider mot kommunens riktlinjer för "
                  "informationssäkerhet. Använd extern delning i Microsoft 365, som "
                  "IT-enheten hjälper till att sätta upp."),
        ),
    ),
    # --- planerad (planned) ------------------------------------------------------------------
    DemoOrder(
        "Nya lärardatorer till Fornuddens skola", "BUF", "bestallare", "catalogue_service",
        "Lärarnas datorer är över fem år gamla och klarar inte de nya nationella proven "
        "digitalt.",
        started=40, service="Arbetsplatsdator",
        requirements="45 bärbara datorer enligt standard, levererade före provperioden.",
        legal="Skolverkets krav på digitala nationella prov.",
        one_off=480_000, lifetime=4,
        prep=Prep(
            it="Standardklient med provklient installerad.", cost=480_000, hours=60,
            risk="low", rec="Godkänns; leverans före provperioden.", prio=(4, 2, 2, 2, 3, 2),
        ),
        steps=(
            submit(1), take_on(2, "leveransansvarig"), prepare(4), ready(3),
            board(10, "approve", note=BIT_APPROVE),
            plan(4, IT, start_in=30, weeks=4, priority=2,
                 note="Leverans i två omgångar för att undvika avbrott i undervisningen."),
        ),
    ),
    DemoOrder(
        "Byte av biblioteksdatasystem", "KFF", "bestallare-kff", "project",
        "Biblioteksdatasystemet ska ersättas när avtalet går ut. Låntagarna vill kunna "
        "reservera och låna om i mobilen.",
        started=130, service="Biblioteksdatasystem", personal_data=True,
        requirements="Katalog, utlån, reservationer och låntagarregister; webbgränssnitt "
        "och app för låntagare.",
        one_off=700_000, yearly=220_000, lifetime=7, yearly_benefit=150_000,
        prep=Prep(
            it="Molntjänst; migrering av katalog och låntagarregister.", cost=750_000,
            hours=500, risk="medium", risks="Migreringen av låntagarregistret.",
            rec="Godkänns; avrop via regionens gemensamma avtal.", prio=(1, 4, 3, 2, 3, 3),
        ),
        steps=(
            submit(1), take_on(3, "leveransansvarig"), prepare(14), ready(10),
            board(14, "approve", note=BIT_APPROVE),
            comment(20, "leveransansvarig", "Avropet är klart. Leverantören börjar "
                    "migreringen i december, när biblioteken har färre besökare."),
            plan(6, EXT, start_in=90, weeks=16, priority=3),
        ),
    ),
    DemoOrder(
        "Digital justering av protokoll", "KSF", "bestallare-ksf", "new_function",
        "Protokoll justeras genom att justerare kommer in och skriver under på papper, "
        "vilket fördröjer anslag och expediering.",
        started=45, service="Dokument- och ärendehanteringssystem",
        requirements="Justering med e-legitimation och automatiskt anslag på den digitala "
        "anslagstavlan.",
        legal="Kommunallagen 8 kap.: justering och anslag av protokoll.",
        one_off=45_000, yearly=15_000, lifetime=5,
        prep=Prep(
            it="Tilläggsmodul i dokument- och ärendehanteringssystemet.", cost=60_000,
            hours=80, risk="low", rec="Godkänns på delegation.", prio=(3, 3, 3, 1, 3, 3),
        ),
        steps=(
            submit(1), take_on(2, "it-samordnare"), prepare(5),
            delegated(3, "Under delegationsgränsen och ryms i budgeten; beviljas."),
            plan(5, EXT, start_in=40, weeks=6, priority=4),
        ),
    ),
    # --- under utförande (in progress) -------------------------------------------------------
    DemoOrder(
        "Digital nattillsyn i hemtjänsten", "SOC", "bestallare-soc", "project",
        "Brukare som vill slippa bli väckta vid nattillsyn ska kunna få tillsyn via kamera.",
        started=225, service="Verksamhetssystem för socialtjänsten", personal_data=True,
        legal="Socialtjänstlagen; samtycke från brukaren krävs.",
        requirements="Kameratillsyn på avtalade tider, samtycke dokumenteras i "
        "verksamhetssystemet.",
        benefit="Bättre nattsömn för brukare och färre bilresor nattetid.",
        one_off=400_000, yearly=150_000, lifetime=5, yearly_benefit=350_000,
        prep=Prep(
            it="Krypterad bildöverföring utan lagring; inloggning med stark autentisering.",
            arch="Leverantörens tjänst; ingen bild lagras.", cost=480_000, hours=450,
            risk="high", risks="Känslig behandling; kräver konsekvensbedömning.",
            rec="Godkänns efter konsekvensbedömning avseende dataskydd.",
            prio=(2, 5, 4, 3, 4, 3),
        ),
        steps=(
            submit(1), take_on(2, "it-arkitekt"), prepare(15), ready(12),
            board(14, "approve", note="Godkänns. Konsekvensbedömningen bifogas "
                  "protokollet."),
            plan(7, EXT, start_in=14, weeks=20, priority=1),
            start(14, "leverantor", note="Pilot startar i två hemtjänstgrupper."),
            comment(30, "leverantor", "Piloten går bra. Vi har lagt till en funktion för "
                    "att dokumentera samtycke."),
        ),
    ),
    DemoOrder(
        "Uppgradering av intranätet", "KOM", "bestallare-ksf", "change",
        "Intranätets version får inga säkerhetsuppdateringar efter årsskiftet.",
        started=140, service="Intranätet",
        requirements="Ny version med samma innehåll och struktur; bättre sök.",
        one_off=90_000, lifetime=4,
        prep=Prep(
            it="Uppgradering till leverantörens aktuella version.", cost=90_000, hours=150,
            risk="medium", risks="Anpassningar kan behöva göras om.",
            rec="Godkänns på delegation.", prio=(0, 1, 2, 5, 3, 3),
        ),
        steps=(
            submit(1), take_on(2, "it-samordnare"), prepare(5),
            delegated(2, "Säkerhetsuppdatering under delegationsgränsen; beviljas."),
            plan(3, IT, start_in=21, weeks=16, priority=1),
            start(21, "utforare"),
            comment(15, "utforare", "Testmiljön är uppe. Kommunikationsavdelningen får "
                    "inloggning i dag för att testa."),
            comment(2, None, "Tack! Vi testar under veckan och återkommer."),
        ),
    ),
    DemoOrder(
        "Mobil app för felanmälan av gator och parker", "SBF", "bestallare-sbf",
        "new_function",
        "Invånare felanmäler trasiga lampor, hål i gatan och klotter per telefon och mejl.",
        started=262,
        requirements="Felanmälan med karta och foto från mobilen; ärendet skapas "
        "automatiskt och anmälaren får besked.",
        benefit="Snabbare åtgärder och färre samtal.",
        one_off=260_000, yearly=60_000, lifetime=5, yearly_benefit=120_000,
        prep=Prep(
            it="Webbapp som fungerar i mobilen; integration mot ärendesystemet.",
            cost=290_000, hours=380, risk="medium", rec="Godkänns.",
            prio=(0, 5, 3, 1, 4, 3),
        ),
        steps=(
            submit(1), take_on(3, "kravanalytiker"), prepare(12), ready(8),
            board(13, "approve", note=BIT_APPROVE),
            plan(6, EXT, start_in=10, weeks=12, priority=2),
            start(10, "leverantor"),
            deliver(80, "leverantor", note="Appen är publicerad och kopplad till "
                    "ärendesystemet."),
            deviation(6, "Foton från mobilen kommer inte med i ärendet, och kartan visar "
                      "fel läge för adresser i Trollbäcken."),
            comment(2, "leverantor", "Vi har hittat felet med bilderna och rättar kartan i "
                    "samma leverans."),
        ),
    ),
    # --- levererad (delivered) ---------------------------------------------------------------
    DemoOrder(
        "Behörighetsstyrning i elevadministrativa systemet", "BUF", "it-ansvarig-buf",
        "change",
        "Alla lärare ser alla elever i kommunen. Behörigheten ska följa vilka elever läraren "
        "undervisar.",
        started=122, service="Elevadministrativt system", personal_data=True,
        legal="Dataskyddsförordningen: åtkomst efter behov.",
        requirements="Behörighet per skola och grupp, styrt från schemat.",
        one_off=70_000, lifetime=5,
        prep=Prep(
            it="Rollstyrning från schemat via leverantörens funktion.", cost=70_000,
            hours=120, risk="low", rec="Godkänns på delegation.", prio=(4, 1, 2, 5, 3, 3),
        ),
        steps=(
            submit(1, by="it-ansvarig-buf"), take_on(2, "it-arkitekt"), prepare(4),
            delegated(2, "Dataskyddskrav under delegationsgränsen; beviljas."),
            plan(3, IT, start_in=14, weeks=6, priority=1),
            start(14, "driftschef"),
            deliver(40, "utforare", note="Behörigheterna styrs nu från schemat. "
                    "Manual till skoladministratörerna är bifogad."),
        ),
    ),
    DemoOrder(
        "E-tjänst för ansökan om föreningsbidrag", "KFF", "bestallare-kff", "new_function",
        "Föreningar ansöker om bidrag på blankett och skickar in underlag per post.",
        started=192, service="E-tjänsteplattformen",
        requirements="Ansökan med bilagor, handläggning och beslut i samma flöde.",
        one_off=110_000, yearly=15_000, lifetime=5, yearly_benefit=70_000,
        prep=Prep(
            it="E-tjänst på plattformen med koppling till diariet.", cost=130_000,
            hours=220, risk="low", rec="Godkänns.", prio=(0, 4, 4, 1, 3, 3),
        ),
        steps=(
            submit(1), take_on(2, "it-samordnare"), prepare(9), ready(6),
            board(11, "approve", note=BIT_APPROVE),
            plan(5, EXT, start_in=20, weeks=10, priority=3),
            start(20, "leverantor"),
            deliver(75, "leverantor", note="E-tjänsten är i drift och testad med tre "
                    "föreningar."),
        ),
    ),
    DemoOrder(
        "Utökad lagring i Microsoft 365 för Samhällsbyggnad", "SBF", "bestallare-sbf",
        "catalogue_service",
        "Ritningar och planhandlingar tar slut på lagringsutrymmet i Teams.",
        started=62, service="Microsoft 365",
        requirements="2 TB extra lagring för förvaltningens team.",
        yearly=40_000, lifetime=3,
        prep=Prep(
            it="Tilläggslagring i kommunens klient.", cost=40_000, hours=8, risk="low",
            rec="Godkänns på delegation.", prio=(0, 1, 3, 1, 2, 3),
        ),
        steps=(
            submit(1), take_on(1, "leveransansvarig"), prepare(2),
            delegated(1, "Katalogtjänst under delegationsgränsen; beviljas."),
            plan(2, IT, start_in=7, weeks=2),
            start(7, "utforare"), deliver(6, "utforare", note="Lagringen är utökad."),
        ),
    ),
    # --- avslutad (closed) -------------------------------------------------------------------
    DemoOrder(
        "Surfplattor till förskolans pedagoger", "BUF", "ersattare", "catalogue_service",
        "Pedagogerna dokumenterar barnens lärande med egna telefoner, vilket inte är "
        "tillåtet.",
        started=285, service="Mobiltelefoni och surfplattor", personal_data=True,
        requirements="80 surfplattor med hanteringsverktyg och dokumentationsappen.",
        one_off=320_000, yearly=30_000, lifetime=4,
        prep=Prep(
            it="Surfplattor i kommunens hanteringsverktyg; privat lagring spärrad.",
            cost=340_000, hours=90, risk="low", rec="Godkänns.", prio=(3, 2, 3, 4, 3, 2),
        ),
        steps=(
            submit(1, by="ersattare"), take_on(2, "leveransansvarig"), prepare(6), ready(4),
            board(10, "approve", note=BIT_APPROVE),
            plan(4, IT, start_in=14, weeks=4, priority=2),
            start(14, "utforare"), deliver(26, "utforare", note="Alla 80 plattor är "
                                                             "utlämnade."),
            accept(5, note="Alla förskolor har fått sina plattor. Tack!"),
        ),
    ),
    DemoOrder(
        "Digital in- och utcheckning på fritidshem", "BUF", "bestallare", "new_function",
        "Fritidshemmen prickar av barnen på papperslistor. Det är svårt att veta vilka barn "
        "som är på plats vid en utrymning.",
        started=300, personal_data=True,
        requirements="Incheckning på surfplatta, vårdnadshavare anmäler tider i en app.",
        benefit="Säkrare närvarokontroll och bättre underlag för bemanning.",
        one_off=200_000, yearly=90_000, lifetime=5, yearly_benefit=150_000,
        prep=Prep(
            it="Tjänst med koppling till det elevadministrativa systemet.", cost=260_000,
            hours=300, risk="medium", risks="Personuppgifter om barn.", rec="Godkänns.",
            prio=(1, 4, 4, 4, 3, 3),
        ),
        steps=(
            submit(1), take_on(2, "kravanalytiker"),
            ask(4, "Ska även förskolorna ingå, eller bara fritidshemmen i första steget?"),
            answer(3, "Bara fritidshemmen i första steget. Förskolorna tar vi nästa år."),
            prepare(5), ready(6), board(12, "approve", note=BIT_APPROVE),
            plan(5, EXT, start_in=14, weeks=10, priority=2),
            start(14, "leverantor"),
            deliver(60, "leverantor", note="Tjänsten är i drift på alla fritidshem."),
            deviation(4, "Vårdnadshavare med skyddade personuppgifter syns i appen. Det måste "
                      "rättas innan vi kan godkänna leveransen."),
            deliver(9, "leverantor", note="Rättat: skyddade uppgifter visas inte längre. "
                    "Kontrollerat tillsammans med BUF."),
            accept(3, note="Kontrollerat och godkänt."),
        ),
    ),
    DemoOrder(
        "Videomöten i Socialförvaltningens mötesrum", "SOC", "bestallare-soc",
        "catalogue_service",
        "Många möten med andra myndigheter och anhöriga sker på distans, men mötesrummen "
        "saknar utrustning.",
        started=172, service="Microsoft 365",
        requirements="Kamera, mikrofon och skärm i fyra mötesrum, kopplade till Teams.",
        one_off=95_000, lifetime=5,
        prep=Prep(
            it="Standardutrustning för Teams-rum.", cost=95_000, hours=40, risk="low",
            rec="Godkänns på delegation.", prio=(0, 3, 3, 1, 3, 2),
        ),
        steps=(
            submit(1), take_on(2, "leveransansvarig"), prepare(3),
            delegated(2, "Standardutrustning under delegationsgränsen; beviljas."),
            plan(2, IT, start_in=14, weeks=3, priority=3),
            start(14, "utforare"), deliver(18, "utforare"),
            accept(4, note="Fungerar bra i alla fyra rummen."),
        ),
    ),
    DemoOrder(
        "Uppgradering av ekonomisystemet", "EKO", "bestallare-ksf", "change",
        "Leverantören slutar stödja den version av ekonomisystemet som kommunen använder.",
        started=245, service="Ekonomisystem",
        requirements="Uppgradering utan avbrott i bokslutsarbetet.",
        one_off=380_000, lifetime=5,
        prep=Prep(
            it="Uppgradering med test i separat miljö.", cost=380_000, hours=420,
            risk="medium", risks="Får inte sammanfalla med bokslut.",
            rec="Godkänns; genomförs efter bokslutet.", prio=(2, 0, 2, 5, 3, 2),
        ),
        steps=(
            submit(1), take_on(2, "leveransansvarig"), prepare(10), ready(5),
            board(13, "approve", note=BIT_APPROVE),
            plan(4, EXT, start_in=20, weeks=6, priority=1),
            start(20, "leverantor"),
            deliver(40, "leverantor", note="Uppgraderingen är klar och testad."),
            accept(6, note="Ekonomiavdelningen har testat; godkänt."),
        ),
    ),
    DemoOrder(
        "Rekryteringsmodul i personalsystemet", "HR", "bestallare-ksf", "change",
        "Rekryteringar hanteras i mejl och kalkylark; kandidaternas uppgifter sparas på "
        "många ställen.",
        started=212, service="Lön- och personalsystem", personal_data=True,
        requirements="Annonsering, ansökan, urval och gallring av kandidatuppgifter.",
        legal="Dataskyddsförordningen: gallring av kandidatuppgifter.",
        one_off=160_000, yearly=50_000, lifetime=5, yearly_benefit=120_000,
        prep=Prep(
            it="Modul från personalsystemets leverantör.", cost=190_000, hours=200,
            risk="low", rec="Godkänns.", prio=(3, 1, 4, 3, 3, 3),
        ),
        steps=(
            submit(1), take_on(3, "kravanalytiker"), prepare(8), ready(5),
            board(12, "approve", note=BIT_APPROVE),
            plan(5, EXT, start_in=14, weeks=8, priority=2),
            start(14, "leverantor"),
            deliver(55, "leverantor", note="Modulen är i drift; HR har fått utbildning."),
            accept(7),
        ),
    ),
    # --- återkallad (withdrawn) --------------------------------------------------------------
    DemoOrder(
        "Eget system för lokalbokning på skolorna", "BUF", "bestallare", "new_function",
        "Skolorna vill kunna boka aulor och idrottssalar till kvällsaktiviteter.",
        started=112,
        requirements="Bokning av skolans lokaler för interna och externa.",
        steps=(
            submit(1), take_on(3, "it-samordnare"),
            comment(4, "it-samordnare", "Kultur- och fritidsförvaltningen har redan ett "
                    "bokningssystem för lokaler. Kan det täcka ert behov?"),
            withdraw(6, "Vi använder kommunens gemensamma bokningssystem i stället, efter "
                     "dialog med Kultur- och fritidsförvaltningen."),
        ),
    ),
    DemoOrder(
        "Översättningstjänst för webbplatsen", "KOM", "bestallare-ksf", "new_function",
        "Webbplatsens information behöver finnas på fler språk.",
        started=66,
        requirements="Automatisk översättning av webbsidor till de vanligaste språken.",
        steps=(
            submit(1),
            withdraw(5, "Ingår i upphandlingen av den nya webbplatsen; beställningen "
                     "behövs inte."),
        ),
    ),
]
