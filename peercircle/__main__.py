"""``python -m peercircle`` is the same as the ``peercircle`` command."""

from peercircle.tui.cli import main

raise SystemExit(main())
