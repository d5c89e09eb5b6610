"""What every logged-in request costs before its page's own queries, for the pinned counts.

The session and the person's access are read from the cache (organisation.access), but an
entry is used only under the access token in force, which each request reads from the
database once: one query of one row. Pinned counts are written as `ACCESS_TOKEN + n`, n being
the page's own queries.
"""

ACCESS_TOKEN = 1


def _kept_state() -> int:
    from django.db import connection

    return 1 if connection.vendor == "postgresql" else 0


#: A page kept between requests (tyreso_it.core.kept) reads the database's state first: one
#: query without a table, on PostgreSQL only.
KEPT_STATE = _kept_state()
