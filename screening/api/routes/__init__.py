"""The API's routers, one module per area."""

# The largest integer a database column holds (SQLite INTEGER, PostgreSQL BIGINT): an id or
# offset past it failed the query (a 500), so integer query parameters stop there.
MAX_DB_INT = 2**63 - 1
