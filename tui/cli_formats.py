"""``peercircle formats ...``: list the format library, check a format file, show one.

``formats check`` is what a facilitator runs after writing a format by hand: every
problem with its line number and a hint, and exit status 1 when there are any.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peercircle.sessions.library.formats import Format

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def add_format_commands(commands: argparse._SubParsersAction) -> None:
    formats = commands.add_parser("formats", help="list, check or show session formats")
    actions = formats.add_subparsers(dest="formats_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="built-in and your own formats, with any that are broken")
    check = actions.add_parser("check", help="check a format file and explain every problem")
    check.add_argument(
        "file",
        type=Path,
        nargs="+",
        help="the Markdown file(s) to check (or a name in your formats folder)",
    )
    show = actions.add_parser("show", help="print a format's file, to copy and adapt")
    show.add_argument("id", help="format id from 'peercircle formats list'")


def user_formats_dir(data_dir: Path) -> Path:
    from peercircle.sessions.storage.layout import DataFolder  # platformdirs: only when used

    return DataFolder(data_dir).formats


def run_formats(args: argparse.Namespace, data_dir: Path) -> int:
    if args.formats_command == "list":
        return _list(data_dir)
    if args.formats_command == "check":
        # Several files: each is checked and reported; the status is the worst of them.
        return max(_check(data_dir, file) for file in args.file)
    return _show(data_dir, args.id)


def _deck_cards(data_dir: Path) -> dict[str, list[str]]:
    from peercircle.sessions.library.decks import load_decks
    from peercircle.sessions.storage.layout import DataFolder

    return load_decks(DataFolder(data_dir).decks).card_titles()


def _length(fmt: Format) -> str:
    people = fmt.total_group or fmt.group_min
    minutes = fmt.planned_seconds(people, presenters=1) / 60
    each = " per presenter" if fmt.cycle_per_presenter else ""
    return f"{minutes:g} min{each} for {people}"


def _list(data_dir: Path) -> int:
    from peercircle.sessions.library.format_file import load_library

    folder = user_formats_dir(data_dir)
    library = load_library(folder, _deck_cards(data_dir))
    print(f"{'ID':<30} {'NAME':<36} {'PHASES':>6}  {'LENGTH':<28} {'GROUP':<6} ORIGIN")
    for fmt in library.formats:
        print(
            f"{fmt.id[:30]:<30} {fmt.name[:36]:<36} {len(fmt.phases):>6}  {_length(fmt):<28} "
            f"{fmt.group_min}-{fmt.group_max:<4} {fmt.origin}"
        )
    for error in library.errors:
        first = error.problems[0]
        print(f"INVALID {error.path}: line {first.line}: {first.message}")
    built_in = sum(1 for f in library.formats if f.origin == "built-in")
    print(
        f"\n{built_in} built-in, {len(library.formats) - built_in} yours, {len(library.errors)} invalid. "
        f"Your formats folder: {folder}"
    )
    if library.errors:
        print("Run 'peercircle formats check FILE' to see every problem in a file.")
    return 0


def _check(data_dir: Path, file: Path) -> int:
    from peercircle.sessions.library.format_file import FormatError, Library, load_library, parse_format
    from peercircle.sessions.library.markdown_file import read_limited

    if not file.exists() and not file.is_absolute() and (user_formats_dir(data_dir) / file).exists():
        file = user_formats_dir(data_dir) / file  # a bare name: the file in your formats folder
    decks = _deck_cards(data_dir)
    try:
        # Refused unread when it is huge (or not a file at all): checked like any problem.
        fmt = parse_format(read_limited(file), str(file), "user", decks)
    except FileNotFoundError:
        print(f"peercircle: {file}: no such file", file=sys.stderr)
        return EXIT_USAGE
    except UnicodeDecodeError:
        print(f"{file}:1: not UTF-8 text; save it as UTF-8 (plain text) and check again")
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"peercircle: {file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except FormatError as exc:
        for problem in exc.problems:
            print(f"{file}:{problem.line}: {problem.message}")
        count = len(exc.problems)
        plural = "s" if count != 1 else ""
        print(f"{count} problem{plural} in {file}; the app shows it as invalid until fixed.")
        return EXIT_PROBLEMS
    library = load_library(user_formats_dir(data_dir), decks)
    others = Library(tuple(f for f in library.formats if not _same_file(f.path, file)), ())
    clash = others.clash(fmt)
    if clash:
        print(f"{file}:1: {clash}")
        print(f"1 problem in {file}.")
        return EXIT_PROBLEMS
    members = "everyone" if not fmt.needs_presenter else "presenter plus members"
    print(f"{file}: OK. {fmt.name}: {len(fmt.phases)} phases, {_length(fmt)} ({members}).")
    return 0


def _same_file(path: str, file: Path) -> bool:
    """Whether a library format was read from ``file``. A built-in's path is its name in
    the package's formats folder: checking the shipped file itself is no clash."""
    try:
        if not Path(path).is_absolute() and "/" not in path:
            from importlib import resources

            shipped = resources.files("peercircle.content").joinpath("formats", path)
            return isinstance(shipped, Path) and shipped.resolve() == file.resolve()
        return Path(path).resolve() == file.resolve()
    except OSError:
        return False


def _show(data_dir: Path, format_id: str) -> int:
    from peercircle.sessions.library.format_file import load_library, render_format

    library = load_library(user_formats_dir(data_dir), _deck_cards(data_dir))
    fmt = library.get(format_id)
    if fmt is None:
        print(
            f"peercircle: no format '{format_id}'; 'peercircle formats list' shows the ids", file=sys.stderr
        )
        return EXIT_USAGE
    sys.stdout.write(render_format(fmt))
    return 0
