"""Cursor pagination: a page costs the same wherever it is, and no count is taken."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-pk")


class ByName(Cursor):
    ordering = ("name", "pk")


class ByPk(Cursor):
    ordering = ("pk",)
