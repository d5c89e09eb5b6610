"""Reads of API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from organisation.models import User

from .models import ApiToken


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's own tokens, newest first (no one sees another person's tokens)."""
    return ApiToken.objects.filter(owner=user).order_by("-created_at", "-pk")


def token_by_digest(digest: str) -> ApiToken | None:
    """The token with this digest, with its owner, in one query; None when there is none."""
    return ApiToken.objects.select_related("owner").filter(digest=digest).first()


def matrix_in_force() -> dict | None:
    """The HUKI matrix in force as the API gives it: its activities in order, each with its
    letters (empty cells left out), and the roles named in them; None when none is in force.
    Four queries: the version, its activities, their cells and the roles."""
    from django.db.models import Prefetch

    from organisation.models import Role
    from raci import selectors as raci_selectors
    from raci.models import Cell

    version = raci_selectors.version_in_force()
    if version is None:
        return None
    cells = Cell.objects.filter(version=version).order_by("role_id")
    activities = raci_selectors.version_activities(version).prefetch_related(
        Prefetch("cells", queryset=cells, to_attr="version_cells"))
    rows, role_ids = [], set()
    for activity in activities:
        letters = [{"role": c.role_id, "letter": c.letter} for c in activity.version_cells]
        role_ids.update(cell["role"] for cell in letters)
        rows.append({"id": activity.pk, "code": activity.code, "process": activity.process,
                     "name": activity.name, "cells": letters})
    return {"number": version.number, "published_at": version.published_at,
            "roles": list(Role.objects.filter(pk__in=role_ids).order_by("name")),
            "activities": rows}
