"""The ``peercircle`` command: open the app, or list and export past sessions.

Every failure a user can cause (a bad argument, an unknown id, an unwritable file)
ends in one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

# Only what every command needs is imported here: each command imports what it uses when it
# runs, so `peercircle list` or `export` never loads Textual, the app, the format library
# or the record writer it does not use (`python -X importtime -m peercircle list` shows it).
import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from peercircle import __version__
from peercircle.tui.cli_export import add_export_command, run_export
from peercircle.tui.cli_formats import add_format_commands, run_formats
from peercircle.tui.cli_groups import add_groups_command, run_groups
from peercircle.tui.cli_serve import add_serve_command, run_serve

if TYPE_CHECKING:
    from peercircle.sessions.storage.store import SessionStore

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see 'peercircle --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="peercircle",
        description="Run peer-group supervision sessions: timed phases, fair turns, shared notes.",
    )
    parser.add_argument("--version", action="version", version=f"peercircle {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="folder for sessions (default: $PEERCIRCLE_HOME or the platform's user data folder)",
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    commands.add_parser("list", help="list past sessions")
    add_format_commands(commands)
    add_export_command(commands)
    add_groups_command(commands)
    commands.add_parser(
        "mirror",
        help="show the live session read-only, large, for the room's screen (a second terminal)",
        description="Show the session running in the data folder, read-only and large, for a "
        "projector or a second screen: phase, rule, countdown, speaker, who is next, everyone, "
        "the prompt card, and the shared notes when the facilitator shows them (s on the live "
        "screen). Never private notes. It changes nothing and waits while no session runs.",
    )
    add_serve_command(commands)
    purge = commands.add_parser("purge", help="delete sessions older than an age, for good")
    purge.add_argument("--older-than", required=True, metavar="AGE", help="e.g. 90d, 12w or 6m")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retention = commands.add_parser("retention", help="show or set automatic deletion of old sessions")
    retention.add_argument(
        "age", nargs="?", help="e.g. 90d to delete sessions older than 90 days; 'off' to keep all"
    )
    return parser


class _SafeStream:
    """A text stream that drops escape sequences and control characters from what is
    written: format files, paths and names are user text, and a format's name holding an
    escape sequence once cleared the screen (or set the clipboard) through 'formats list'."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from peercircle.sessions.text import terminal_safe

        return self._stream.write(terminal_safe(text))

    def write_safe(self, text: str) -> int:
        """Write ``text`` made safe already, piece by piece, by the caller: cleaning a long
        text again as a whole costs far more (80 ms for 10,000 rows) and changes nothing."""
        return self._stream.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is not None:
        # Every command's output; the app (no command) draws through Textual instead.
        sys.stdout = _SafeStream(sys.stdout)
        sys.stderr = _SafeStream(sys.stderr)
    if args.data_dir is None:
        from peercircle.sessions.storage.layout import DataFolder

        args.data_dir = DataFolder.default().root
    data_dir: Path = args.data_dir
    if data_dir.exists() and not data_dir.is_dir():
        return _fail(f"{data_dir} is a file, not a folder; give --data-dir a folder for the sessions")
    try:
        if args.command == "list":
            return _list(data_dir)
        if args.command == "formats":
            return run_formats(args, data_dir)
        if args.command == "export":
            return run_export(args, data_dir)
        if args.command == "groups":
            return run_groups(args, data_dir)
        if args.command == "purge":
            return _purge(data_dir, args.older_than, args.yes)
        if args.command == "retention":
            return _retention(data_dir, args.age)
        if args.command == "serve":
            return run_serve(args, data_dir)
    except KeyboardInterrupt:
        return 130
    except (_Refused, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or data_dir}: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        return _fail(f"unexpected problem ({exc.__class__.__name__}: {exc}); please report it")
    if args.command == "mirror":
        from peercircle.tui.mirror_app import MirrorApp  # the room's read-only view (issue 16)

        MirrorApp(data_dir=data_dir).run()
        return 0
    from peercircle.tui.app import PeerCircleApp  # textual is imported only when the app opens

    PeerCircleApp(data_dir=data_dir).run()
    return 0


def _fail(message: str) -> int:
    print(f"peercircle: {message}", file=sys.stderr)
    return EXIT_USAGE


def _list(data_dir: Path) -> int:
    """The history, newest first. Listed from the index (index.py) but for the session
    files that changed since their line was written (a session running now, say), which the
    store reads, finding the damaged ones as the app does; when none changed, without
    importing the store or the session engine, or making an entry per session (10,000 in
    a long-kept history). The store lists it all when the index cannot be used."""
    from peercircle.sessions.storage import index
    from peercircle.sessions.storage.layout import DataFolder

    folder = DataFolder(data_dir)
    found = index.listed(folder.index, folder.sessions)
    if found is None:
        shown = _listed_by_the_store(data_dir)
    else:
        shown, changed = found
        if changed:
            shown = _with_changed(data_dir, shown, changed)
    _report_quarantined(folder.quarantine)
    if not shown["id"]:
        print(f"No sessions yet in {data_dir}.")
        return 0
    _write_rows(_list_rows(shown))
    return 0


def _listed_by_the_store(data_dir: Path) -> dict[str, list[Any]]:
    """The history as a reader's store lists it, by columns (``index.LISTED``)."""
    from peercircle.sessions.storage.index import LISTED
    from peercircle.sessions.storage.store import SessionStore

    store = SessionStore(data_dir, writer=False)
    entries = store.list_sessions()
    _report_damaged(store)
    return {name: [getattr(entry, name) for entry in entries] for name in LISTED}


def _with_changed(
    data_dir: Path, listed: dict[str, list[Any]], changed: list[tuple[str, tuple[int, int]]]
) -> dict[str, list[Any]]:
    """``listed`` with the sessions whose files ``changed``, as the store reads them."""
    from peercircle.sessions.storage.index import LISTED, newest_first
    from peercircle.sessions.storage.store import SessionStore

    store = SessionStore(data_dir, writer=False)
    entries = store.entries_of(changed)
    _report_damaged(store)
    return newest_first({name: listed[name] + [getattr(e, name) for e in entries] for name in LISTED})


def _report_damaged(store: SessionStore) -> None:
    """A line on stderr for each damaged file the store found; no failure: the rest
    listed fine."""
    for damage in store.damaged:
        print(
            f"peercircle: {damage.name} could not be read ({damage.reason}); it is left out of "
            f"this list, and the app moves it to {store.quarantine_dir} when it next starts.",
            file=sys.stderr,
        )


def _list_rows(listed: dict[str, list[Any]]) -> list[str]:
    """The lines ``list`` prints, header first, for the sessions ``listed`` (the columns
    ``index.LISTED``). Made column by column: at 10,000 sessions, half the time of a loop
    over the rows."""
    from peercircle.sessions.engine.timefmt import minutes_text

    ended = listed["ended"]
    lengths = list(map(minutes_text, listed["length_seconds"]))
    if not all(ended):
        lengths = [length if done else f"{length} *" for length, done in zip(lengths, ended, strict=True)]
    dates = [moment[:16].replace("T", " ") for moment in listed["created"]]
    line = "%-19s %-16s %-28.28s %5s %9s".__mod__  # a name is cut at 28 characters
    lines = [line(("ID", "DATE", "FORMAT", "GROUP", "LENGTH"))]
    columns = (listed["id"], dates, listed["format_name"], listed["group_size"], lengths)
    lines += map(line, zip(*columns, strict=True))
    if not all(ended):
        lines.append("* not ended")
    return lines


def _write_rows(rows: list[str]) -> None:
    """The rows as printing each would write them, in one write: 10,000 prints (each made
    terminal-safe twice, the row and its newline) took longer than reading the index.

    Each row is made safe on its own, as its print made it: an escape sequence in one row
    can never swallow the rows after it. When no row holds anything to clean (the rule),
    one check of them all finds it and the rows go out as they are."""
    stream = sys.stdout
    if not isinstance(stream, _SafeStream):
        stream.write("".join(row + "\n" for row in rows))
        return
    # Checked without the newlines, which alone would make the check clean the whole text.
    # Cleaning changes nothing in them all exactly when it changes nothing in any row: it
    # only ever removes or replaces the characters it looks for. Every one of those is
    # unprintable (a control, format or separator character, or a surrogate), so text that
    # is all printable needs no cleaning; ``isprintable`` tells it in half the time.
    joined = "".join(rows)
    if joined.isprintable():
        stream.write_safe("\n".join(rows) + "\n")
        return
    from peercircle.sessions.text import terminal_safe

    if terminal_safe(joined) == joined:
        stream.write_safe("\n".join(rows) + "\n")
    else:
        stream.write_safe("".join(terminal_safe(row) + "\n" for row in rows))


def _report_quarantined(quarantine: Path) -> None:
    """One line for the damaged files moved aside so far, if there are any."""
    try:
        with os.scandir(quarantine) as found:
            count = sum(1 for item in found if item.is_file())
    except OSError:
        count = 0  # none moved aside yet
    if count:
        files = "file is" if count == 1 else "files are"
        print(
            f"peercircle: {count} damaged session {files} kept in {quarantine} (moved aside, not deleted).",
            file=sys.stderr,
        )


def _report_moved(store: SessionStore, already: int = 0) -> int:
    """A line for each damaged file the store moved aside (after the first ``already``);
    returns how many it has moved in all. Before, purge moved them without a word."""
    for damage in store.damaged[already:]:
        where = (
            f"was moved to {damage.moved_to}; it is kept, not deleted"
            if damage.moved_to
            else "was left as it is"
        )
        print(f"peercircle: {damage.name} could not be read ({damage.reason}) and {where}.", file=sys.stderr)
    return len(store.damaged)


class _Refused(Exception):
    """A CLI command that cannot go ahead; the message is the one line the user sees."""


@contextmanager
def _folder_writer(data_dir: Path) -> Iterator[SessionStore]:
    """The store, with the folder's lock held for the duration (one writer at a time)."""
    from peercircle.sessions.files import ensure_private_dir
    from peercircle.sessions.storage.lock import FolderLock
    from peercircle.sessions.storage.store import SessionStore

    ensure_private_dir(data_dir)
    lock = FolderLock(data_dir)
    holder = lock.acquire()
    if holder is not None:
        who = f"process {holder}" if holder else "another process"
        raise _Refused(f"the data folder is in use by peercircle ({who}); close it and try again")
    try:
        yield SessionStore(data_dir, writer=True)
    finally:
        lock.release()


def _purge(data_dir: Path, older_than: str, yes: bool) -> int:
    from peercircle.sessions.engine.clock import SystemClock
    from peercircle.sessions.storage.settings import parse_age

    days = parse_age(older_than)
    with _folder_writer(data_dir) as store:
        now = SystemClock().now()
        doomed = store.older_than(days, now)
        reported = _report_moved(store)  # reading the history moves damaged files aside
        if not doomed:
            print(f"No sessions older than {days} days.")
            return 0
        if not yes:
            if not sys.stdin.isatty():
                raise _Refused(f"{len(doomed)} session(s) would be deleted; add --yes to confirm")
            try:
                answer = input(f"Delete {len(doomed)} session(s) older than {days} days for good? [y/N] ")
            except EOFError:
                answer = ""  # the end of input is a no, never a yes
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 0
        removed = store.purge(days, now)
        _report_moved(store, reported)
        _leave_groups(data_dir, {entry.id for entry in removed})
    print(f"Deleted {len(removed)} session(s) older than {days} days.")
    if store.deleted_damaged:
        count = len(store.deleted_damaged)
        print(f"Deleted {count} damaged file{'' if count == 1 else 's'} from {store.quarantine_dir}.")
    return 0


def _leave_groups(data_dir: Path, session_ids: set[str]) -> None:
    """Purged sessions leave their groups' lists (a later meeting's record holds what it
    needs of them); a group file that cannot be changed is said, not fatal."""
    from peercircle.sessions.groups.store import GroupStore, GroupStoreError

    groups = GroupStore(data_dir)
    try:
        groups.forget_sessions(session_ids)
    except GroupStoreError as exc:
        print(f"peercircle: {exc}", file=sys.stderr)
    for problem in groups.problems:
        print(f"peercircle: {problem}", file=sys.stderr)


def _retention(data_dir: Path, age: str | None) -> int:
    from peercircle.sessions.storage.settings import Settings, parse_age

    settings, problem = Settings.load_checked(data_dir)
    if problem and age is None:
        print(problem, file=sys.stderr)
    if age is not None:
        settings.retention_days = None if age.lower() == "off" else parse_age(age)
        with _folder_writer(data_dir):
            settings.save(data_dir)
    days = settings.retention_days
    if days:
        print(f"Sessions older than {days} days are deleted each time peercircle starts.")
    else:
        print("Retention off: sessions are kept until deleted.")
    return 0
