"""The headers every response of the app carries, as one check other tests call:

    from tests.security.headers import assert_security_headers
    assert_security_headers(response)

It reads the response's headers only, so it fits any test client response (pages, errors,
downloads, htmx fragments)."""

from __future__ import annotations

SELF, NONE = "'self'", "'none'"

#: For each kind of content, the directives that govern it, the first present winning
#: (CSP's fallbacks), and the sources it may allow at most.
FETCH_RULES = {
    "script": (("script-src-elem", "script-src", "default-src"), {SELF, NONE}),
    "script attribute": (("script-src-attr", "script-src", "default-src"), {SELF, NONE}),
    "style element": (("style-src-elem", "style-src", "default-src"), {SELF, NONE, "nonce"}),
    "style attribute": (("style-src-attr", "style-src", "default-src"),
                        {SELF, NONE, "'unsafe-inline'"}),
    "image": (("img-src", "default-src"), {SELF, NONE}),
    "plugin": (("object-src", "default-src"), {NONE}),
    "anything else": (("default-src",), {SELF, NONE}),
}


def csp_directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [source, ...]}."""
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _kind(source: str) -> str:
    return "nonce" if source.startswith("'nonce-") else source


#: Where images may also come from, by page: the API's documentation, whose icons are SVGs
#: written into Swagger UI's and ReDoc's style sheets as data: URLs (api.views.docs).
IMAGES_ALSO = {"/api/docs/": {"data:"}, "/api/redoc/": {"data:"}}


def assert_security_headers(response) -> None:
    """`response` may be kept by no cache (`Cache-Control: private, no-store`, or a view's
    own stricter header) and carries a Content-Security-Policy at least as strict as the
    app's: scripts only from the app's own files (no inline script, no eval), style elements
    from its files or with the response's nonce, images from the app, no plugins, no <base>,
    forms posted only to the app, and no framing by any page."""
    request = getattr(response, "wsgi_request", None)
    url = request.get_full_path() if request is not None else "the response"
    cache_control = {part.strip() for part in response.headers.get(
        "Cache-Control", "").lower().split(",")}
    assert {"private", "no-store"} <= cache_control, (
        f"{url}: Cache-Control is {response.headers.get('Cache-Control')!r}")
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{url}: no Content-Security-Policy header"
    directives = csp_directives(header)
    for what, (order, allowed) in FETCH_RULES.items():
        governing = next((d for d in order if d in directives), None)
        assert governing is not None, f"{url}: nothing in the policy governs {what}s"
        sources = {_kind(source) for source in directives[governing]}
        if what == "image" and request is not None:
            allowed = allowed | IMAGES_ALSO.get(request.path, set())
        assert sources <= allowed, (
            f"{url}: {governing} allows {sorted(sources - allowed)} for {what}s")
    assert directives.get("frame-ancestors") == [NONE], f"{url}: frame-ancestors is not 'none'"
    assert directives.get("base-uri") in ([NONE], [SELF]) or "sandbox" in directives, (
        f"{url}: base-uri is {directives.get('base-uri')}")
    form_action = directives.get("form-action")
    assert form_action in ([SELF], [NONE]) or "sandbox" in directives, (
        f"{url}: form-action is {form_action}")
