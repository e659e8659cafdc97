"""``python -m smartborder`` — the same as the ``smartborder`` command."""

from smartborder.cli import main

main()
