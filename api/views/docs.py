"""The OpenAPI schema and its two readers, Swagger UI and ReDoc, served from the app's own
static files (drf-spectacular-sidecar; no CDN).

Both pages keep the product's Content-Security-Policy, but for data: images (`DOCS_CSP`):
their scripts are files of the app (the settings travel as JSON data, not as inline script)
and their style elements carry the response's nonce (ReDoc's own: static/api/redoc-nonce.js).
Who may read them: anyone logged in (the API gives each person what the pages give them); a
script with a token may fetch the schema. The two readers are pages:
someone not logged in is sent to the login page, as from any page.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .base import ApiMixin


class Schema(ApiMixin, SpectacularAPIView):
    permission_classes = [IsAuthenticated]


#: The product's policy, but for `data:` images: Swagger UI's and ReDoc's icons are SVGs
#: written into their style sheets as data: URLs. An image cannot run script or load
#: anything; every other directive stays as strict as on every page.
DOCS_CSP = {**settings.SECURE_CSP,
            "img-src": [*settings.SECURE_CSP.get("img-src", [CSP.SELF]), "data:"]}


class DocsPage:
    """A page, not an endpoint: someone not logged in goes to the login page (DRF's views
    opt out of LoginRequiredMiddleware; these opt back in)."""

    @classmethod
    def as_view(cls, **initkwargs):
        view = csp_override(DOCS_CSP)(super().as_view(**initkwargs))
        view.login_required = True
        return view


class SwaggerUI(DocsPage, SpectacularSwaggerView):
    permission_classes = [IsAuthenticated]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return Response(
            data={
                "swagger_ui_css": self._swagger_ui_resource("swagger-ui.css"),
                "swagger_ui_bundle": self._swagger_ui_resource("swagger-ui-bundle.js"),
                "swagger_ui_standalone": self._swagger_ui_resource(
                    "swagger-ui-standalone-preset.js"),
                "favicon_href": self._swagger_ui_favicon(),
                "swagger_config": {
                    "schemaUrl": self._get_schema_url(request),
                    "csrfHeaderName": self._get_csrf_header_name(),
                    "csrfToken": get_token(request),
                },
            },
            template_name=self.template_name,
        )


class Redoc(DocsPage, SpectacularRedocView):
    permission_classes = [IsAuthenticated]
    template_name = "api/redoc.html"
    url_name = "api:schema"

