"""Running the order tallies' SQL (migrations 0008 and 0011): PostgreSQL only, one statement
at a time. Not a migration (the leading underscore keeps the loader away); frozen with them."""


def statements(sql: str) -> list[str]:
    """The statements of `sql`, one by one: split at the semicolons that end a line outside
    the functions' bodies."""
    found, current, in_body = [], [], False
    for line in sql.strip().splitlines():
        current.append(line)
        if line.count("$$") % 2:
            in_body = not in_body
        if not in_body and line.rstrip().endswith(";"):
            found.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    return found


def run(sql: str):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements(sql):
                cursor.execute(statement)
    return operation
