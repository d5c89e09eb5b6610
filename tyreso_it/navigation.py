"""The layout's navigation: which sections a person is offered, asked of the apps that own them.

This sits at the top, beside the settings and the URLs, because it knows every app: the
bottom layers (`tyreso_it.core`, `organisation`) know none.
"""

from django.http import HttpRequest

from board.selectors import board_access
from costs.permissions import sees_costs
from organisation.predicates import is_ordering_function, sees_all
from organisation.selectors import standing_of
from records.permissions import records_home
from registry.selectors import may_read_register


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_sees_all": sees_all(user),
        "nav_ordering_function": is_ordering_function(user),
        # Lazily: a page that never shows the link never asks.
        "nav_can_order": lambda: bool(standing_of(user).member),
        # Beslutsråd IT: for those who see every order, and the members of a meeting.
        "nav_board": lambda: board_access(user),
        # IT's costs: the IT chief and deputy, and the departments' IT leads.
        "nav_costs": lambda: sees_costs(user),
        # Records: the retention schedule, legal holds and personal data.
        "nav_records": lambda: records_home(user),
        # The register (diarium): the registrar, the ordering function and the IT chiefs.
        "nav_register": lambda: may_read_register(user),
    }
