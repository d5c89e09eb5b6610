"""What the product starts with: the first version of the priority model."""

from decimal import Decimal

from django.db import transaction

from .models import PriorityModel

DEFAULT_FACTORS = [
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


@transaction.atomic
def priority_model_ensure_default() -> None:
    """Put version 1 in force when no priority model exists at all (a new database)."""
    if PriorityModel.objects.exists():
        return
    model = PriorityModel.objects.create(
        version=1, is_active=True, note="Första versionen av prioriteringsmodellen."
    )
    for position, (code, name, weight, help_text) in enumerate(DEFAULT_FACTORS):
        model.factors.create(
            code=code, name=name, weight=weight, help_text=help_text, position=position
        )
