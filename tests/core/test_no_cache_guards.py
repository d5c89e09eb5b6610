"""Tolerating Redis is the cache backend's one job (tyreso_it.core.cache): no code wraps a cache
call in try/except, so no page can be written that depends on remembering to. A scan of the
code base's syntax trees, so a new page that reintroduces the pattern fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
#: Not the product's code: the environment, tests, local state, migrations.
SKIPPED_DIRS = {".venv", "venv", "tests", "var", "node_modules", "migrations", ".git"}
#: Where the tolerance lives.
BACKEND = Path("tyreso_it/core/cache.py")
#: Django's cache API (BaseCache), sync and async.
OPERATIONS = {
    "add", "get", "set", "touch", "delete", "get_many", "get_or_set", "has_key", "incr",
    "decr", "set_many", "delete_many", "clear", "incr_version", "decr_version",
}
OPERATIONS |= {"a" + name for name in OPERATIONS}


def _is_cache(node: ast.expr) -> bool:
    """`cache`, `self._cache`, `access.cache`, `caches["default"]`."""
    if isinstance(node, ast.Subscript):
        node = node.value
        return (isinstance(node, ast.Name) and node.id == "caches") or (
            isinstance(node, ast.Attribute) and node.attr == "caches")
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
    return name in {"cache", "_cache"}


def _is_cache_call(node: ast.AST) -> bool:
    """`cache.get(...)` and the like, or `key in cache`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in OPERATIONS and _is_cache(node.func.value)
    if isinstance(node, ast.Compare):
        return (any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
                and any(_is_cache(value) for value in node.comparators))
    return False


def _cache_calls(nodes: list[ast.stmt]) -> list[ast.AST]:
    return [node for statement in nodes for node in ast.walk(statement)
            if _is_cache_call(node)]


def guarded_cache_calls(source: str, filename: str = "<source>") -> list[str]:
    """Each cache call inside the body of a `try` that has an `except`, as `file:line`."""
    tree = ast.parse(source, filename)
    return [
        f"{filename}:{call.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Try | ast.TryStar) and node.handlers
        for call in _cache_calls(node.body)
    ]


def product_modules() -> list[Path]:
    return sorted(
        path.relative_to(ROOT) for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)
    )


def test_no_code_outside_the_backend_guards_a_cache_call():
    modules = product_modules()
    # The scan sees the code.
    assert BACKEND in modules and Path("board/views/meeting.py") in modules
    found = [
        hit
        for path in modules if path != BACKEND
        for hit in guarded_cache_calls((ROOT / path).read_text(), str(path))
    ]
    assert found == [], (
        "The cache backend never raises (tyreso_it.core.cache): call the cache without "
        f"try/except. Guarded calls: {found}"
    )


def test_the_scan_finds_every_form_of_a_guarded_call():
    guarded = '''
try:
    html = cache.get(key)
except Exception:
    html = None
try:
    with lock:
        self._cache.set(key, value, 60)
except (ConnectionError, OSError):
    pass
try:
    found = key in caches["default"]
except Exception:
    found = False
try:
    await access.cache.aget_many(keys)
except Exception:
    pass
'''
    assert guarded_cache_calls(guarded) == [
        "<source>:3", "<source>:8", "<source>:12", "<source>:16"]


def test_the_scan_leaves_unguarded_calls_and_other_objects_alone():
    plain = '''
html = cache.get(key)
try:
    user._perm_cache.add(name)
    value = compute()
    found = name in user._perm_cache
except ValueError:
    value = None
try:
    cache.set(key, value)
finally:
    release()
'''
    assert guarded_cache_calls(plain) == []
