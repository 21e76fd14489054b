"""`python -m screening`: the command line (as `screening`)."""

from .cli import main

main()
