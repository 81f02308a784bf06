"""The library: session formats, prompt decks and the group agreement, read from files."""
