"""`python -m console` is the same as the `event-console` command."""

import sys

from console.cli import main

sys.exit(main())
