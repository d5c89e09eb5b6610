"""The system map and a service's neighbourhood as the pages show them, kept until the
catalogue changes.

The whole map draws every system and states every integration (300 systems and 470
integrations in a larger municipality), though it changes only when someone records a
service, an integration or a department. So what the templates render from the catalogue is
kept in Django's cache under a key that holds the catalogue's version
(`selectors.catalogue_version`): the next write gives a new key, so a change shows at once, in
every process. A service's page keeps its neighbourhood the same way.

The table of integrations differs between readers: in who may edit which integration (the
edit links), and in the integrations' owners' names, read on every request because a person's
name has no history to version it by. It is kept too, under the catalogue's version and what
makes it differ: the names as read now and the rows the reader may edit. Nor is the picture's
`<style>` element kept: its rules are, and the page writes the element, so that it can carry
the response's nonce under a Content-Security-Policy.

The markup is in templates: the frame of the picture in
templates/servicecatalog/includes/systemmap_picture.html, and under jinja2/servicecatalog/ the
picture's lines and systems (`systemmap_drawing.jinja`), their rules (`systemmap_hover.jinja`)
and the table (`systemmap_table.jinja`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.cache import cache as django_cache
from django.template import engines
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from organisation.models import User

from .maplayout import Node, SystemMap
from .models import Integration
from .permissions import can_edit_catalogue

#: Changed whenever the fields of what is kept change, so that a cache shared across a deploy
#: never serves the former kind. A change to the kept markup needs no change here: the key
#: holds a digest of the templates that write it (`templates_digest`).
MARKUP_FORMAT = 4
#: The templates whose output is kept.
KEPT_TEMPLATES = (
    "servicecatalog/systemmap_drawing.jinja",
    "servicecatalog/systemmap_hover.jinja",
    "servicecatalog/systemmap_table.jinja",
)
#: A bound on how long an entry lives, beside the version in its key: translations change
#: with a deploy and not with a write, and the maps of former versions are not kept long.
CACHE_SECONDS = 60 * 60


def _n(value: float, decimals: int = 1) -> str:
    """A coordinate as SVG wants it: a dot and a fixed number of decimals, never `-0.0`."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


@dataclass
class DrawnMap:
    """A map as the cache keeps it: plain values, and the markup the templates rendered from
    the catalogue as safe strings (which the cache gives back safe)."""

    prefix: str = "map"
    caption: str = ""
    summary: str = ""
    width: int = 0
    height: int = 0
    min_width: int = 0
    #: (department, colour) for the legend.
    legend: list[tuple[str, str]] = field(default_factory=list)
    #: The picture's markers, lines and systems; empty when there is nothing to draw.
    drawing: SafeString = SafeString("")
    #: CSS: the lines a pointed-at system darkens.
    hover: SafeString = SafeString("")
    #: The integrations on the map, and each one's owner.
    pks: list[int] = field(default_factory=list)
    owner_ids: list[int | None] = field(default_factory=list)
    #: The rows each person may edit, by the id of a system owner or manager at either end.
    editors: dict[int, list[int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.pks)

    def editable(self, user: User) -> set[int]:
        """The rows `user` may edit (`services.can_edit_integration`): every row for the
        ordering function, otherwise those with a system at either end that they own or
        manage. Who owns and manages a system is part of the kept rows: changing it saves
        the service, which gives a new version."""
        if can_edit_catalogue(user):
            return set(self.pks)
        return set(self.editors.get(user.pk, ()))


def _urls(name: str) -> Callable[[int], str]:
    """The address of the view `name` for an object, each looked up once however often it is
    drawn."""
    seen: dict[int, str] = {}

    def url(pk: int) -> str:
        if pk not in seen:
            seen[pk] = reverse(name, args=[pk])
        return seen[pk]

    return url


def _render(name: str, context: dict[str, Any]) -> SafeString:
    # The Jinja2 environment escapes every value it writes: its output is markup.
    return SafeString(engines["jinja2"].get_template(name).render(context))


def _node(node: Node, url: Callable[[int], str]) -> dict[str, Any]:
    """What the template writes of a system: its coordinates as SVG numbers."""
    classes = ["node", f"n-{node.pk}"]
    if node.outside:
        classes.append("node-outside")
    if node.centre:
        classes.append("node-centre")
    return {
        "url": url(node.pk), "classes": " ".join(classes), "name": node.service.name,
        "accessible_name": node.accessible_name, "label": node.label, "centre": node.centre,
        "cx": _n(node.x), "cy": _n(node.y), "r": _n(node.r), "stroke": node.colour,
        "fill": "#ffffff" if node.outside else node.colour, "below": _n(node.below_y),
        "lx": _n(node.label_x), "ly": _n(node.label_y), "anchor": node.anchor,
        "rotation": _n(node.rotation, 2),
    }


def draw(integrations: list[Integration], layout: SystemMap | None, caption: str) -> DrawnMap:
    """The map of `integrations`, loaded with both ends and their departments
    (`selectors.integration_list`), laid out as `layout` (None: no picture)."""
    drawn = DrawnMap(caption=caption)
    for integration in integrations:
        source, target = integration.source, integration.target
        drawn.pks.append(integration.pk)
        drawn.owner_ids.append(integration.owner_id)
        editors = {source.system_owner_id, source.system_manager_id,
                   target.system_owner_id, target.system_manager_id}
        for person in editors - {None}:
            drawn.editors.setdefault(person, []).append(integration.pk)
    if layout is not None and integrations:
        url = _urls("servicecatalog:service")
        drawn.prefix, drawn.summary = layout.prefix, layout.summary
        drawn.width, drawn.height, drawn.min_width = layout.width, layout.height, layout.min_width
        drawn.legend = list(layout.departments)
        drawn.drawing = _render("servicecatalog/systemmap_drawing.jinja", {
            "prefix": layout.prefix, "edges": layout.edges,
            "nodes": [_node(node, url) for node in layout.nodes],
        })
        drawn.hover = _render("servicecatalog/systemmap_hover.jinja",
                              {"pks": [node.pk for node in layout.nodes]})
    return drawn


@cache
def templates_digest() -> str:
    """A digest of the kept templates' source, read once a process."""
    env = engines["jinja2"].env
    digest = hashlib.sha256()
    for name in KEPT_TEMPLATES:
        source, _filename, _uptodate = env.loader.get_source(env, name)
        digest.update(source.encode())
    return digest.hexdigest()[:16]


def cached[T](version: str, what: str, make: Callable[[], T]) -> T:
    """What `what` names in the catalogue's `version` (`selectors.catalogue_version`), made
    by `make` when the cache has none yet (or Redis is away: the cache then answers as empty,
    and the map is drawn as if it had never been drawn). The value must be of the types the
    cache keeps (`tyreso_it.core.cache`); a drawn map goes through `cached_map`.

    Read the version before anything `make` reads, so that what is stored is never older
    than the key it is stored under.
    """
    key = ":".join(("systemmap", str(MARKUP_FORMAT), templates_digest(), get_language() or "",
                    get_script_prefix(), version, what))
    value = django_cache.get(key)
    if value is None:
        value = make()
        django_cache.set(key, value, CACHE_SECONDS)
    return value


def cached_map(version: str, what: str, make: Callable[[], DrawnMap]) -> DrawnMap:
    """A drawn map, as `cached` keeps it: by its fields, which are plain values."""
    return DrawnMap(**cached(version, what, lambda: vars(make())))


def table(drawn: DrawnMap, user: User, *, version: str, what: str,
          load: Callable[[], list[Integration]], caption: str, table_id: str,
          next_pk: int | None = None) -> SafeString:
    """The table of integrations of the map `what` as `user` reads it: the text alternative
    of the picture, each integration with its owner's name and, where the reader may edit it
    (`DrawnMap.editable`), an edit link (back to the service `next_pk` once saved).

    Kept like the map, under the catalogue's `version`, and under the owners' names as read
    now and the rows the reader may edit: a renamed owner or another reader's rights give
    another key. `load` reads the map's integrations when the table is to be written."""
    editable = drawn.editable(user)
    owners = owner_names(drawn)
    reader = hashlib.sha256(repr(
        (sorted(owners.items()), sorted(editable), next_pk, caption, table_id)
    ).encode()).hexdigest()[:20]
    return cached(version, f"{what}:table:{reader}", lambda: _render(
        "servicecatalog/systemmap_table.jinja", {
            "integrations": load(), "owners": owners, "editable": editable,
            "caption": caption, "table_id": table_id,
            "edit_query": f"?next={next_pk}" if next_pk else "",
            "service_url": _urls("servicecatalog:service"),
            "edit_url": _urls("servicecatalog:integration_edit"),
            "both_ways": Integration.Direction.BOTH,
        }))


def owner_names(drawn: DrawnMap) -> dict[int, str]:
    """The owners' names as the table shows them: read afresh (one query, none when no
    integration has an owner)."""
    ids = {pk for pk in drawn.owner_ids if pk is not None}
    if not ids:
        return {}
    people = User.objects.filter(pk__in=ids).only("first_name", "last_name", "username")
    return {person.pk: str(person) for person in people}
