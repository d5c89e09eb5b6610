"""The schema's shared parts: every operation may answer with a problem detail."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "detail": {"type": "string"}},
                "required": ["field", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

#: The refusals every operation may answer with.
STATUSES = {
    "400": "Bad input (see `errors`)",
    "401": "Not logged in, or the token is not valid",
    "403": "Not allowed",
    "404": "Does not exist, or not yours to see",
    "405": "Method not allowed",
    "406": "Format not available",
    "409": "The object's state has moved on",
    "415": "Unsupported format",
    "429": "Too many requests",
    "503": "The identity provider does not answer (its access tokens only)",
}


def add_problem_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: the Problem component, and every refusal above
    on every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM
    content = {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in STATUSES.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": content})
    return result


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "The browser's login; writes also send Django's CSRF token."}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A personal API token, made on the page API tokens."}


class ProviderTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ProviderTokenAuthentication"
    name = "providerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "With single sign-on: an access token of the municipality's "
                               "identity provider for this API's audience, acting as the "
                               "person of its employee id. It reads only, unless it carries "
                               "the scope the operators name for writing."}
