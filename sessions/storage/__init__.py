"""Storage: one atomic file per session, the index, the folder lock, migrations and autosave."""
