"""``python -m tui`` is the ``advisor`` command."""

import sys

from tui.cli import main

sys.exit(main())
