"""peercircle: run peer-group supervision from a terminal.

Everything installs under this one name. The repository keeps the parts in their own
top-level folders, and ``pyproject.toml`` maps them into this package:

- ``peercircle.sessions`` (folder ``sessions/``): the domain; never imports textual;
- ``peercircle.tui`` (folder ``tui/``): the Textual app and the command line;
- ``peercircle.content`` (folder ``content/``): the formats, decks and agreement shipped.
"""

__version__ = "0.1.0"
