"""The layers of the code, read from its imports.

At the bottom, `tyreso_it.core` (the shared machinery) and `organisation` (departments, people,
roles and what a person is) import none of the apps built on them: an app may use the ground,
the ground never the floors above it. Every module of the product stays under 800 lines.

The imports are read from the source (ast), including those inside functions, so an import
put off until run time is found as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The bottom layers, as paths under the root.
GROUND = ("tyreso_it/core", "organisation")

#: Modules at the top, which know every app and so are above it (no app imports them).
TOP = ("tyreso_it.navigation", "tyreso_it.urls")

#: Apps by name, besides every top-level package found in the repository (those may be
#: added later: the ground must not name them either).
KNOWN_APPS = frozenset({
    "api", "bench", "board", "costs", "demo", "orders", "portfolio", "raci", "records",
    "servicecatalog",
})

#: Modules of the ground that may import an app, with the reason. Paths under the root.
GROUND_EXCEPTIONS: dict[str, str] = {}

MAX_LINES = 800

#: Modules of the product allowed more than MAX_LINES, with the reason.
SIZE_EXCEPTIONS: dict[str, str] = {}

SKIPPED_DIRS = {".venv", "node_modules", "migrations", "__pycache__", ".git", "var", "tests"}


def _modules() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        found.append(path)
    return sorted(found)


def _apps() -> frozenset[str]:
    packages = {
        path.parent.name for path in ROOT.glob("*/__init__.py")
        if not path.parent.name.startswith(".")
    }
    return frozenset(packages - {"organisation", "tyreso_it", "tests", "scripts"}) | KNOWN_APPS


def _module_name(path: Path) -> str:
    if not path.is_relative_to(ROOT):
        return path.stem
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _excepted(relative: str, exceptions: dict[str, str]) -> bool:
    return any(relative == key or relative.startswith(f"{key}/") for key in exceptions)


def _upward(path: Path, apps: frozenset[str]) -> list[str]:
    return sorted(
        name for name in imported(path)
        if name.split(".")[0] in apps or name in TOP or name.startswith(tuple(f"{t}." for t in TOP))
    )


def test_the_ground_imports_no_app_above_it():
    apps = _apps()
    offences = {}
    for path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(tuple(f"{g}/" for g in GROUND)):
            continue
        if _excepted(relative, GROUND_EXCEPTIONS):
            continue
        upward = _upward(path, apps)
        if upward:
            offences[relative] = upward
    assert offences == {}


def test_the_check_finds_an_upward_import(tmp_path):
    """The reading of imports finds plain, from-, relative and deferred imports alike."""
    module = tmp_path / "sample.py"
    module.write_text(
        "import orders.models\n"
        "from board.selectors import board_access\n"
        "from . import widgets\n"
        "def later():\n"
        "    from costs import permissions\n",
        encoding="utf-8",
    )
    names = imported(module)
    assert {"orders.models", "board.selectors", "costs.permissions"} <= names
    assert _upward(module, _apps()) == [
        "board.selectors", "board.selectors.board_access", "costs", "costs.permissions",
        "orders.models",
    ]


@pytest.mark.parametrize("app", ["orders", "board", "costs", "demo"])
def test_every_app_counts_as_above_the_ground(app):
    assert app in _apps()


def test_no_module_of_the_product_is_over_800_lines():
    too_long = {}
    for path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        if _excepted(relative, SIZE_EXCEPTIONS):
            continue
        with path.open(encoding="utf-8") as lines:
            count = sum(1 for _ in lines)
        if count > MAX_LINES:
            too_long[relative] = count
    assert too_long == {}
