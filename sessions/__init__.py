"""The peercircle domain: formats, sessions as event logs, time, records and storage.

Nothing in this package imports textual; the TUI in ``tui/`` is a thin face over it.
"""

__version__ = "0.1.0"
