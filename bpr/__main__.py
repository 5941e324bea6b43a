"""`python -m bpr`: the same as the `bpr` command."""

from bpr.cli.main import main

main()
