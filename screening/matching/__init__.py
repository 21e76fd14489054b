"""Pure name matching: no I/O, no database, no HTTP."""
