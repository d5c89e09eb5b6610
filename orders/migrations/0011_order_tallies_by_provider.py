"""The order tallies by provider too, so a provider's staff's list is counted from them
(orders.tallies)."""

from django.db import migrations

import orders.migrations._tally_sql as tally_sql

FORWARD = """
ALTER TABLE orders_ordertally ADD COLUMN provider_id bigint NULL;

CREATE OR REPLACE FUNCTION orders_tally_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO orders_ordertally (department_id, provider_id, status, n)
        VALUES (OLD.department_id, OLD.provider_id, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO orders_ordertally (department_id, provider_id, status, n)
        VALUES (NEW.department_id, NEW.provider_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER orders_tally_update ON orders_order;
CREATE TRIGGER orders_tally_update AFTER UPDATE OF department_id, provider_id, status
    ON orders_order FOR EACH ROW
    WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id
          OR OLD.provider_id IS DISTINCT FROM NEW.provider_id
          OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION orders_tally_row();

LOCK TABLE orders_order IN SHARE MODE;
DELETE FROM orders_ordertally;
INSERT INTO orders_ordertally (department_id, provider_id, status, n)
    SELECT department_id, provider_id, status, COUNT(*) FROM orders_order
    GROUP BY department_id, provider_id, status;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION orders_tally_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO orders_ordertally (department_id, status, n)
        VALUES (OLD.department_id, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO orders_ordertally (department_id, status, n)
        VALUES (NEW.department_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER orders_tally_update ON orders_order;
CREATE TRIGGER orders_tally_update AFTER UPDATE OF department_id, status ON orders_order
    FOR EACH ROW
    WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id
          OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION orders_tally_row();

ALTER TABLE orders_ordertally DROP COLUMN provider_id;
LOCK TABLE orders_order IN SHARE MODE;
DELETE FROM orders_ordertally;
INSERT INTO orders_ordertally (department_id, status, n)
    SELECT department_id, status, COUNT(*) FROM orders_order GROUP BY department_id, status;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0010_own_orders_index"),
    ]

    operations = [
        migrations.RunPython(tally_sql.run(FORWARD), tally_sql.run(BACKWARD), elidable=False),
    ]
