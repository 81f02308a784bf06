"""``python -m tui`` is the same as the ``peercircle`` command."""

from tui.cli import main

raise SystemExit(main())
