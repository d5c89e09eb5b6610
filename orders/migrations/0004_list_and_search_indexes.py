"""Indexes for the order lists at 100,000 orders (issue 7).

- order_list_idx: the lists' default order (newest first) with the columns the permission
  filter reads, so counts and deep pages are read from the index alone.
- order_reference_upper_idx: the search by reference (`reference__iexact`).
- On PostgreSQL, trigram indexes for the search in titles and needs (`icontains`, which
  PostgreSQL runs as UPPER(column) LIKE UPPER('%term%')). They need the pg_trgm extension, a
  trusted extension any database owner may create; where it cannot be created the search
  still works, without these two indexes.
"""

import django.db.models.functions.text
from django.db import DatabaseError, migrations, models, transaction

TRIGRAM_INDEXES = {
    "order_title_trgm_idx": "UPPER((title)::text)",
    "order_need_trgm_idx": "UPPER(need)",
}


def create_trigram_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        print(f"\n  pg_trgm is not available ({exc}); search runs without trigram indexes")
        return
    with connection.cursor() as cursor:
        for name, expression in TRIGRAM_INDEXES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON orders_order "
                f"USING gin ({expression} gin_trgm_ops)"
            )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in TRIGRAM_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_default_priority_model")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["-created_at", "-id", "department", "status", "orderer"],
                name="order_list_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                django.db.models.functions.text.Upper("reference"),
                name="order_reference_upper_idx",
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
