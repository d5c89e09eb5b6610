"""Put the first version of the priority model in force, so scoring works from day one."""

from decimal import Decimal

from django.db import migrations

FACTORS = [
    ("legal", "Lagkrav", Decimal("3"), "Krävs av lag, förordning eller myndighetsbeslut."),
    ("citizen_benefit", "Nytta för invånarna", Decimal("2"),
     "Hur mycket bättre service invånare och företag får."),
    ("efficiency", "Effektivisering i verksamheten", Decimal("2"),
     "Tid och pengar som frigörs i förvaltningen."),
    ("risk_reduction", "Minskad risk", Decimal("2"),
     "Informationssäkerhet, driftsäkerhet och kontinuitet."),
    ("strategy", "Stöd för kommunens mål och IT-strategi", Decimal("1.5"),
     "Hur väl beställningen följer beslutade mål och arkitektur."),
    ("cost_benefit", "Nytta i förhållande till livscykelkostnad", Decimal("1.5"),
     "Förstudiens nytta mot kostnad över livslängden."),
]


def create(apps, schema_editor):
    PriorityModel = apps.get_model("orders", "PriorityModel")
    if PriorityModel.objects.exists():
        return
    model = PriorityModel.objects.create(
        version=1, is_active=True, note="Första versionen av prioriteringsmodellen."
    )
    for position, (code, name, weight, help_text) in enumerate(FACTORS):
        model.factors.create(
            code=code, name=name, weight=weight, help_text=help_text, position=position
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
