"""What every API endpoint shares: its language, and that DRF, not the login redirect of the
pages, answers a caller who is not logged in."""

from __future__ import annotations

from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import generics, views

#: The languages the API answers in: Swedish (the product's), or English when asked for.
API_LANGUAGES = ("sv", "en")


def api_language(request) -> str:
    """Swedish, unless Accept-Language prefers English to Swedish."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in API_LANGUAGES:
            return base
    return "sv"


class ApiMixin:
    """For every API view: answer in the request's language; authenticate by DRF's classes
    (LoginRequiredMiddleware would send an unauthenticated script to the login page)."""

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.login_required = False
        return view

    def dispatch(self, request, *args, **kwargs):
        with translation.override(api_language(request)):
            response = super().dispatch(request, *args, **kwargs)
            # Rendered here, while the language is still the request's.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            response.headers.setdefault("Content-Language", api_language(request))
            patch_vary_headers(response, ["Accept-Language"])
            return response


class ApiView(ApiMixin, views.APIView):
    pass


class ListApiView(ApiMixin, generics.ListAPIView):
    pass


class RetrieveApiView(ApiMixin, generics.RetrieveAPIView):
    pass


class NotFound(ApiView):
    """Every other address under /api/: a problem detail, as any refusal of the API (not the
    pages' HTML 404)."""

    schema = None  # not an endpoint of the schema

    def dispatch(self, request, *args, **kwargs):
        self.http_method_names = [m for m in self.http_method_names if m != "options"]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        raise Http404

    post = put = patch = delete = head = get
