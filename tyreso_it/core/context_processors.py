"""Values every page's layout needs."""

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from orders.permissions import is_ordering_function, sees_all

    return {
        "nav_sees_all": sees_all(user),
        "nav_ordering_function": is_ordering_function(user),
    }
