"""The peercircle domain. Nothing here imports textual or ``peercircle.tui`` (CI checks it
with import-linter); the TUI is a thin face over it.

- ``engine``: time (an injected clock), the event log and the timeline folded from it;
- ``library``: session formats, prompt decks and the group agreement, read from Markdown;
- ``records``: the summary, actions, Markdown export, anonymising and the history search;
- ``storage``: the data-folder layout, one atomic file per session, the index, the folder
  lock, migrations, settings and the autosave thread;
- ``files`` and ``text``: writing files atomically and privately; cleaning text as it enters.
"""
