"""Middleware of the product's own: what every response may be cached as, and how long a
login lasts."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

#: Nothing the app makes may be kept by a shared cache or written to a browser's disk.
PRIVATE_NO_STORE = "private, no-store"


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response whose view set no Cache-Control
    of its own.

    The pages, fragments and files of the app show orders, meetings and minutes, plans,
    exports and PDFs with personal data: no proxy may keep them, and no browser may write
    them to disk where the next person at a shared computer finds them (in its cache, or
    through the back button after logging out). Static files never reach this middleware:
    WhiteNoise, earlier in MIDDLEWARE, serves them with their long caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response
