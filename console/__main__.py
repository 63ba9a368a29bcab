"""`python -m console` is the same as the `event-console` command."""

from console.cli import run

run()
