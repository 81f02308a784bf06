"""The ``peercircle`` command: open the app, or list and export past sessions.

Every failure a user can cause (a bad argument, an unknown id, an unwritable file)
ends in one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sessions import __version__
from sessions.paths import default_data_dir

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
    export = commands.add_parser("export", help="write a past session as Markdown")
    export.add_argument("id", help="session id (or the start of one) from 'peercircle list'")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data_dir: Path = args.data_dir or default_data_dir()
    try:
        if args.command == "list":
            return _list(data_dir)
        if args.command == "export":
            return _export(data_dir, args.id, args.output)
    except KeyboardInterrupt:
        return 130
    from tui.app import PeerCircleApp  # textual is imported only when the app opens

    PeerCircleApp(data_dir=data_dir).run()
    return 0


def _fail(message: str) -> int:
    print(f"peercircle: {message}", file=sys.stderr)
    return EXIT_USAGE


def _list(data_dir: Path) -> int:
    from sessions.store import SessionStore
    from sessions.timefmt import minutes_text

    entries = SessionStore(data_dir).list_sessions()
    if not entries:
        print(f"No sessions yet in {data_dir}.")
        return 0
    print(f"{'ID':<19} {'DATE':<16} {'FORMAT':<28} {'GROUP':>5} {'LENGTH':>9}")
    for e in entries:
        date = e.created[:16].replace("T", " ")
        length = minutes_text(e.length_seconds) + ("" if e.ended else " *")
        print(f"{e.id:<19} {date:<16} {e.format_name[:28]:<28} {e.group_size:>5} {length:>9}")
    if any(not e.ended for e in entries):
        print("* not ended")
    return 0


def _export(data_dir: Path, session_id: str, output: Path | None) -> int:
    from sessions.export import render_markdown
    from sessions.storage import atomic_write_text
    from sessions.store import SessionStore, StoreError
    from sessions.summary import summarise

    store = SessionStore(data_dir)
    try:
        session = store.load(store.resolve(session_id))
    except StoreError as exc:
        return _fail(str(exc))
    markdown = render_markdown(summarise(session))
    if output is None:
        sys.stdout.write(markdown)
        return 0
    try:
        atomic_write_text(output.expanduser().resolve(), markdown)
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    print(f"Wrote {output}", file=sys.stderr)
    return 0
