"""The system map's picture and integration table as HTML, kept until the catalogue changes.

The whole map draws every system and states every integration (300 systems and 470
integrations in a larger municipality): written out by the template engine that took about
180 ms of CPU on every request, though the map changes only when someone records a service,
an integration or a department. So the markup is built here, in Python with every value
escaped, and kept in Django's cache under a key that holds the catalogue's version
(`selectors.catalogue_version`): the next write gives a new key, so a change shows at once, in
every process. A service's page keeps its neighbourhood the same way. What differs between
readers is not cached: who may edit which integration (the edit links), and the
integrations' owners' names, read on every request because a person's name has no history
to version it by."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisation.models import User

from ..models import Integration
from ..permissions import can_edit_catalogue

if TYPE_CHECKING:
    from .systemmap import SystemMap

#: Changed whenever the markup below changes, so a cache shared across a deploy never serves
#: the former markup.
MARKUP_FORMAT = 2
#: A bound on how long an entry lives, beside the version in its key: translations change
#: with a deploy and not with a write, and the maps of former versions are not kept long.
CACHE_SECONDS = 60 * 60

DASH = "–"


def _n(value: float, decimals: int = 1) -> str:
    """A coordinate as SVG wants it: a dot and a fixed number of decimals, never `-0.0`."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


@dataclass
class MapMarkup:
    """A map as markup: the picture (empty when there is nothing to draw) and the table's
    rows, with what the reader-dependent cells are made of.

    The rows are kept column by column, as lists of strings and numbers, so that reading a
    map of 470 integrations from the cache makes a handful of objects, not thousands.
    """

    svg: str = ""
    pks: list[int] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # each row's first six cells
    owner_ids: list[int | None] = field(default_factory=list)
    edit_urls: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the integration in words, escaped
    #: The rows each person may edit, by the id of a system owner or manager at either end.
    editors: dict[int, list[int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.pks)

    def picture(self, nonce: str | None = None) -> SafeString:
        """The picture; its `<style>` (the lines a pointed-at system darkens) carries the
        request's CSP nonce, as the Content-Security-Policy admits no other inline style
        element. The cached markup holds no nonce: each response has its own."""
        svg = self.svg
        if nonce is not None:  # a LazyNonce is false until it is first read, as here
            svg = svg.replace("<style>", f'<style nonce="{escape(str(nonce))}">', 1)
        return mark_safe(svg)  # noqa: S308 - every value is escaped in `_svg`

    def editable(self, user: User) -> set[int]:
        """The rows `user` may edit (`services.can_edit_integration`): every row for the
        ordering function, otherwise those with a system at either end that they own or
        manage. Who owns and manages a system is part of the cached rows: changing it saves
        the service, which gives a new version."""
        if can_edit_catalogue(user):
            return set(self.pks)
        return set(self.editors.get(user.pk, ()))

    def table(self, *, caption: str, table_id: str, owners: dict[int, str],
              editable: set[int], next_pk: int | None = None) -> SafeString:
        """The table of integrations: the text alternative of the picture."""
        head = [_("Source system"), _("Direction"), _("Target system"), _("Data"),
                _("Protocol or method"), _("Frequency"), _("Owner")]
        parts = [
            f'<div class="table-wrap">\n<table class="table" id="{escape(table_id)}">\n'
            f"  <caption>{escape(caption)}</caption>\n  <thead>\n    <tr>\n",
            *(f'      <th scope="col">{escape(text)}</th>\n' for text in head),
        ]
        if editable:
            parts.append(f'      <th scope="col"><span class="visually-hidden">'
                         f'{escape(_("Edit"))}</span></th>\n')
        parts.append("    </tr>\n  </thead>\n  <tbody>\n")
        edit = escape(_("Edit"))
        query = f"?next={next_pk}" if next_pk else ""
        for index, pk in enumerate(self.pks):
            owner_id = self.owner_ids[index]
            owner = owners.get(owner_id, DASH) if owner_id is not None else DASH
            parts.append(f"    <tr>{self.cells[index]}<td>{owner}</td>")
            if editable:
                if pk in editable:
                    parts.append(f'<td><a href="{self.edit_urls[index]}{query}">{edit}<span '
                                 f'class="visually-hidden"> {self.names[index]}</span></a></td>')
                else:
                    parts.append("<td></td>")
            parts.append("</tr>\n")
        parts.append("  </tbody>\n</table>\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


def _urls() -> Callable[[int], str]:
    """A service's address, each looked up once however often it is drawn."""
    seen: dict[int, str] = {}

    def url(pk: int) -> str:
        if pk not in seen:
            seen[pk] = escape(reverse("servicecatalog:service", args=[pk]))
        return seen[pk]

    return url


def _svg(drawing: SystemMap, caption: str, url: Callable[[int], str]) -> str:
    """The picture, with its caption and legend: every system a named link, the lines
    decoration for the eye (the table states every integration in words)."""
    p = escape(drawing.prefix)
    summary = escape(drawing.summary)
    description = escape(_(
        "%(summary)s Each system is a link to its page; lines show integrations, with an "
        "arrowhead at each system that receives data."
    ) % {"summary": drawing.summary})
    width, height = drawing.width, drawing.height
    parts = [
        f'<figure class="systemmap" aria-labelledby="{p}-caption">\n'
        f'  <figcaption id="{p}-caption">{escape(caption)} {summary} <a href="#{p}-table">'
        f'{escape(_("The table below states every integration in words."))}</a></figcaption>\n'
        f'  <div class="systemmap-frame">\n'
        f'  <svg xmlns="http://www.w3.org/2000/svg" class="systemmap-svg" role="group" '
        f'width="{width}" height="{height}" style="min-width: {drawing.min_width}px" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{p}-title" '
        f'aria-describedby="{p}-desc">\n'
        f'    <title id="{p}-title">{escape(_("System map"))}</title>\n'
        f'    <desc id="{p}-desc">{description}</desc>\n'
        "    <style>\n",
    ]
    # Pointing at a system (or moving the focus to it) darkens its lines.
    parts.extend(
        f"      .systemmap-svg:has(.n-{node.pk}:is(:hover, :focus-visible)) .e-{node.pk} "
        "{ stroke: #1b1f23; stroke-opacity: 1; stroke-width: 2.5; }\n"
        for node in drawing.nodes
    )
    parts.append(
        "    </style>\n    <defs>\n"
        f'      <marker id="{p}-arrow-end" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#4a4f57"/></marker>\n'
        f'      <marker id="{p}-arrow-start" viewBox="0 0 10 10" refX="1" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto"><path d="M10,0 L0,5 L10,10 z" '
        'fill="#4a4f57"/></marker>\n'
        '    </defs>\n    <g class="edges" aria-hidden="true">\n'
    )
    end = f' marker-end="url(#{p}-arrow-end)"'
    start = f' marker-start="url(#{p}-arrow-start)"'
    for edge in drawing.edges:
        parts.append(
            f'      <path class="edge {edge.css_class}" d="{edge.path}"'
            f'{end if edge.forward else ""}{start if edge.backward else ""}>'
            f"<title>{escape(edge.title)}</title></path>\n"
        )
    parts.append('    </g>\n    <g class="nodes">\n')
    for node in drawing.nodes:
        classes = (f"node n-{node.pk}{' node-outside' if node.outside else ''}"
                   f"{' node-centre' if node.centre else ''}")
        x, y = _n(node.x), _n(node.y)
        fill = "#ffffff" if node.outside else node.colour
        parts.append(
            f'      <a href="{url(node.pk)}" class="{classes}" '
            f'aria-label="{escape(node.accessible_name)}">\n'
            f'        <circle cx="{x}" cy="{y}" r="{_n(node.r)}" fill="{fill}" '
            f'stroke="{node.colour}"/>\n'
        )
        label = escape(node.label)
        if node.centre:
            parts.append(f'        <text x="{x}" y="{_n(node.below_y)}" text-anchor="middle" '
                         f'class="node-label node-label-centre">{label}</text>\n')
        else:
            lx, ly = _n(node.label_x), _n(node.label_y)
            parts.append(
                f'        <text x="{lx}" y="{ly}" text-anchor="{node.anchor}" '
                f'dominant-baseline="central" transform="rotate({_n(node.rotation, 2)} '
                f'{lx} {ly})" class="node-label">{label}</text>\n'
            )
        parts.append(f"        <title>{escape(node.service.name)}</title>\n      </a>\n")
    parts.append("    </g>\n  </svg>\n  </div>\n")
    if len(drawing.departments) > 1:
        parts.append(f'  <ul class="systemmap-legend" '
                     f'aria-label="{escape(_("Colours by owning department"))}">\n    ')
        parts.extend(
            f'<li><span class="swatch" style="background: {colour}" aria-hidden="true">'
            f"</span>{escape(name)}</li>"
            for name, colour in drawing.departments
        )
        parts.append("\n  </ul>\n")
    parts.append("</figure>")
    return "".join(parts)


def build(integrations: list[Integration], drawing: SystemMap | None, caption: str) -> MapMarkup:
    """The markup of a map of `integrations`, loaded with both ends and their departments
    (`selectors.integration_list`)."""
    url = _urls()
    markup = MapMarkup()
    for integration in integrations:
        source, target = integration.source, integration.target
        direction = escape(integration.get_direction_display())
        arrow = "↔" if integration.direction == Integration.Direction.BOTH else "→"
        markup.pks.append(integration.pk)
        markup.cells.append(
            f'<td><a href="{url(source.pk)}">{escape(source.name)}</a></td>'
            f'<td class="direction"><span aria-hidden="true" title="{direction}">{arrow}</span>'
            f'<span class="visually-hidden">{direction}</span></td>'
            f'<td><a href="{url(target.pk)}">{escape(target.name)}</a></td>'
            f"<td>{escape(integration.data)}</td>"
            f"<td>{escape(integration.method or DASH)}</td>"
            f"<td>{escape(integration.frequency or DASH)}</td>"
        )
        markup.owner_ids.append(integration.owner_id)
        markup.edit_urls.append(
            escape(reverse("servicecatalog:integration_edit", args=[integration.pk])))
        markup.names.append(escape(str(integration)))
        editors = {source.system_owner_id, source.system_manager_id,
                   target.system_owner_id, target.system_manager_id}
        for person in editors - {None}:
            markup.editors.setdefault(person, []).append(integration.pk)
    if drawing is not None and integrations:
        markup.svg = _svg(drawing, caption, url)
    return markup


def cached[T](version: str, what: str, make: Callable[[], T]) -> T:
    """What `what` names in the catalogue's `version` (`selectors.catalogue_version`), made
    by `make` when the cache has none yet (or Redis is away: the cache then answers as empty,
    and the map is drawn as if it had never been drawn). The value must be of the types the
    cache keeps (`tyreso_it.core.cache`); a map's markup goes through `cached_markup`.

    Read the version before anything `make` reads, so that what is stored is never older
    than the key it is stored under.
    """
    key = ":".join(("systemmap", str(MARKUP_FORMAT), get_language() or "",
                    get_script_prefix(), version, what))
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, CACHE_SECONDS)
    return value


def cached_markup(version: str, what: str, make: Callable[[], MapMarkup]) -> MapMarkup:
    """A map's markup, as `cached` keeps it: by its fields, which are plain values."""
    return MapMarkup(**cached(version, what, lambda: vars(make())))


def owner_names(markup: MapMarkup) -> dict[int, str]:
    """The owners' names as the table shows them, escaped: read afresh (one query, none when
    no integration has an owner)."""
    ids = {pk for pk in markup.owner_ids if pk is not None}
    if not ids:
        return {}
    people = User.objects.filter(pk__in=ids).only("first_name", "last_name", "username")
    return {person.pk: escape(str(person)) for person in people}
