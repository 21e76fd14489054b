"""The API's routers, one module per area."""

# The largest integer every id column holds on both databases (PostgreSQL INTEGER is 32-bit;
# SQLite's is 64-bit): an id or offset past it failed the query (a 500), so integer query
# parameters stop there.
MAX_DB_INT = 2**31 - 1
