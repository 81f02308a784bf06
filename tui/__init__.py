"""The Textual face of peercircle. Importing this package does not import textual, so the
command line (``peercircle list``, ``export``) starts fast; ``peercircle.tui.app`` does."""
