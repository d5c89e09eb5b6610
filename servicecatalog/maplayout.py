"""The system map's layout (§6.5.6): where each system and each integration's line goes, worked
out from the catalogue alone, deterministically, so the same catalogue always gives the same
map:

- the whole map (or a department's part) places the systems on a circle, grouped by owning
  department and sorted by name, with their names written outwards along the radius, and
  draws each pair of connected systems once, as a curve bent towards the centre, with an
  arrowhead at each receiving end;
- a system's neighbourhood places the system in the centre and its neighbours around it.

Geometry and words only: the picture is written by jinja2/servicecatalog/systemmap_drawing.jinja
(see `servicecatalog.mapdrawing`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Integration, Service

# Drawing sizes, in SVG user units (1 unit is 1 CSS pixel: the SVG is drawn at its size and
# scrolls in its frame rather than shrinking its text).
FONT_SIZE = 13
LABEL_CHARS = 30  # longer names are shortened in the picture, never in the table
CHAR_WIDTH = 7.0  # a generous average width of a character at FONT_SIZE
NODE_SPACING = 21  # along the circle, between neighbouring systems
MIN_RADIUS = 200
LABEL_GAP = 10
PALETTE = (  # department colours, distinguishable and dark enough against white
    "#00546e", "#a4161a", "#1e6b35", "#7a4300", "#5a2d82", "#0b4f8a",
    "#8a1155", "#3d5a1e", "#6b4e16", "#1f4e79", "#7d3c98", "#4a4f57",
)


@dataclass
class Node:
    service: Service
    x: float = 0.0
    y: float = 0.0
    r: float = 6.0
    angle: float = 0.0  # degrees, 0 pointing right, clockwise
    colour: str = PALETTE[0]
    degree: int = 0
    outside: bool = False  # in another department than the one the map is filtered by
    centre: bool = False

    @property
    def pk(self) -> int:
        return self.service.pk

    @property
    def label(self) -> str:
        """The name as drawn: in full in the centre, shortened on the circle."""
        name = self.service.name
        if self.centre or len(name) <= LABEL_CHARS:
            return name
        return name[: LABEL_CHARS - 1].rstrip() + "…"

    @property
    def label_x(self) -> float:
        return self.x + math.cos(math.radians(self.angle)) * (self.r + LABEL_GAP)

    @property
    def label_y(self) -> float:
        return self.y + math.sin(math.radians(self.angle)) * (self.r + LABEL_GAP)

    @property
    def below_y(self) -> float:
        """Where the centre system's name is written: under its circle."""
        return self.y + self.r + 18

    @property
    def flipped(self) -> bool:
        """On the left half, text is turned half a circle so it never reads upside down."""
        return math.cos(math.radians(self.angle)) < -1e-9

    @property
    def rotation(self) -> float:
        return round(self.angle + 180 if self.flipped else self.angle, 2)

    @property
    def anchor(self) -> str:
        return "end" if self.flipped else "start"

    @property
    def accessible_name(self) -> str:
        department = self.service.department
        count = ngettext("%(count)s integration", "%(count)s integrations",
                         self.degree) % {"count": self.degree}
        if department is not None:
            return f"{self.service.name} ({department.short_name}), {count}"
        return f"{self.service.name}, {count}"


@dataclass
class Edge:
    source: Node
    target: Node
    forward: bool = False  # an arrowhead at the target
    backward: bool = False  # an arrowhead at the source
    integrations: list[Integration] = field(default_factory=list)
    path: str = ""

    @property
    def title(self) -> str:
        return "; ".join(str(i) for i in self.integrations)

    @property
    def css_class(self) -> str:
        return f"e-{self.source.pk} e-{self.target.pk}"


@dataclass
class SystemMap:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int
    prefix: str
    integration_count: int
    departments: list[tuple[str, str]]  # (name, colour) for the legend

    @property
    def min_width(self) -> int:
        """Narrower than this the names would be too small to read: the frame scrolls."""
        return round(self.width * 0.8)

    @property
    def summary(self) -> str:
        systems = ngettext("%(count)s system", "%(count)s systems",
                           len(self.nodes)) % {"count": len(self.nodes)}
        links = ngettext("%(count)s integration", "%(count)s integrations",
                         self.integration_count) % {"count": self.integration_count}
        return _("%(systems)s and %(links)s.") % {"systems": systems, "links": links}


def _point(value: float) -> str:
    return f"{value:.1f}"


def _curve(source: Node, target: Node, cx: float, cy: float, bend: float) -> str:
    """A quadratic curve between the two circles' edges, bent towards (cx, cy)."""
    mx, my = (source.x + target.x) / 2, (source.y + target.y) / 2
    qx, qy = cx + (mx - cx) * bend, cy + (my - cy) * bend

    def trimmed(node: Node) -> tuple[float, float]:
        dx, dy = qx - node.x, qy - node.y
        length = math.hypot(dx, dy) or 1.0
        gap = node.r + 3
        return node.x + dx / length * gap, node.y + dy / length * gap

    sx, sy = trimmed(source)
    tx, ty = trimmed(target)
    return (f"M{_point(sx)},{_point(sy)} Q{_point(qx)},{_point(qy)} "
            f"{_point(tx)},{_point(ty)}")


def _edges(nodes: dict[int, Node], integrations: list[Integration]) -> list[Edge]:
    """One edge per connected pair, whatever the number of integrations between them."""
    edges: dict[tuple[int, int], Edge] = {}
    for integration in integrations:
        a, b = integration.source_id, integration.target_id
        key = (min(a, b), max(a, b))
        edge = edges.get(key)
        if edge is None:
            edge = edges[key] = Edge(source=nodes[key[0]], target=nodes[key[1]])
        edge.integrations.append(integration)
        both = integration.direction == Integration.Direction.BOTH
        if both or a == key[0]:
            edge.forward = True
        if both or a == key[1]:
            edge.backward = True
    return list(edges.values())


def _legend(nodes: list[Node]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for node in nodes:
        department = node.service.department
        name = department.name if department else _("No owning department")
        seen.setdefault(name, node.colour)
    return sorted(seen.items())


def _colours(services_: list[Service]) -> dict[int | None, str]:
    departments = sorted({(s.department.name, s.department_id) for s in services_
                          if s.department_id is not None})
    colours: dict[int | None, str] = {None: "#4a4f57"}
    for index, (_name, pk) in enumerate(departments):
        colours[pk] = PALETTE[index % (len(PALETTE) - 1)]
    return colours


def _node_radius(degree: int) -> float:
    return 5.0 + min(degree, 10) * 0.5


def circle_map(
    integrations: list[Integration], *, prefix: str = "map", department_id: int | None = None
) -> SystemMap:
    """Every system that takes part in `integrations`, on a circle grouped by department."""
    by_pk: dict[int, Service] = {}
    degree: dict[int, int] = {}
    for integration in integrations:
        for service in (integration.source, integration.target):
            by_pk[service.pk] = service
            degree[service.pk] = degree.get(service.pk, 0) + 1
    ordered = sorted(
        by_pk.values(),
        key=lambda s: (s.department is None, s.department.name if s.department else "",
                       s.name.casefold(), s.pk),
    )
    count = len(ordered)
    radius = max(MIN_RADIUS, count * NODE_SPACING / (2 * math.pi))
    longest = max((len(Node(s).label) for s in ordered), default=0)
    margin = 20 + LABEL_GAP + 10 + longest * CHAR_WIDTH
    size = math.ceil(2 * (radius + margin))
    centre = size / 2
    colours = _colours(ordered)
    nodes: dict[int, Node] = {}
    for index, service in enumerate(ordered):
        angle = -90 + 360 * index / count if count else 0
        node = Node(
            service=service, angle=angle, degree=degree[service.pk],
            r=_node_radius(degree[service.pk]), colour=colours[service.department_id],
            outside=department_id is not None and service.department_id != department_id,
        )
        node.x = centre + radius * math.cos(math.radians(angle))
        node.y = centre + radius * math.sin(math.radians(angle))
        nodes[service.pk] = node
    edges = _edges(nodes, integrations)
    for edge in edges:
        edge.path = _curve(edge.source, edge.target, centre, centre, bend=0.3)
    node_list = list(nodes.values())
    return SystemMap(nodes=node_list, edges=edges, width=size, height=size, prefix=prefix,
                     integration_count=len(integrations), departments=_legend(node_list))


def neighbourhood_map(
    service: Service, integrations: list[Integration], *, prefix: str = "map"
) -> SystemMap:
    """`service` in the centre and the systems it integrates with around it."""
    neighbours: dict[int, Service] = {}
    degree: dict[int, int] = {}
    for integration in integrations:
        other = integration.target if integration.source_id == service.pk else integration.source
        neighbours[other.pk] = other
        degree[other.pk] = degree.get(other.pk, 0) + 1
    ordered = sorted(neighbours.values(), key=lambda s: (s.name.casefold(), s.pk))
    count = len(ordered)
    radius = max(MIN_RADIUS - 50, count * (NODE_SPACING + 6) / (2 * math.pi))
    longest = max((len(Node(s).label) for s in ordered), default=0)
    margin = 20 + LABEL_GAP + 10 + longest * CHAR_WIDTH
    width = math.ceil(2 * (radius + margin))
    height = width
    cx = cy = width / 2
    colours = _colours([service, *ordered])
    middle = Node(service=service, x=cx, y=cy, r=_node_radius(len(integrations)) + 3,
                  angle=90, degree=len(integrations), centre=True,
                  colour=colours[service.department_id])
    nodes: dict[int, Node] = {service.pk: middle}
    for index, other in enumerate(ordered):
        # Turned a little off the vertical, so no neighbour sits right under the centre,
        # where the centre's own name is written.
        angle = -90 + 360 * (index + 0.25) / count
        node = Node(service=other, angle=angle, degree=degree[other.pk],
                    r=_node_radius(degree[other.pk]), colour=colours[other.department_id])
        node.x = cx + radius * math.cos(math.radians(angle))
        node.y = cy + radius * math.sin(math.radians(angle))
        nodes[other.pk] = node
    edges = _edges(nodes, integrations)
    for edge in edges:
        # bend=1 keeps the control point on the straight line: the spokes are straight.
        edge.path = _curve(edge.source, edge.target, cx, cy, bend=1.0)
    node_list = list(nodes.values())
    return SystemMap(nodes=node_list, edges=edges, width=width, height=height, prefix=prefix,
                     integration_count=len(integrations), departments=_legend(node_list))
