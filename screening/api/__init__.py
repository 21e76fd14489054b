"""HTTP API: thin routes over `screening.services`."""
