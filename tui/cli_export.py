"""``peercircle export``: one past session as Markdown, or every session into a folder.

    peercircle export ID [--anonymise] [--pseudonym NAME=ALIAS ...] [--also-hide NAME ...]
                         [--include-private] [--learning-record NAME] [-o FILE]
    peercircle export --all -o DIR [same options, but not --learning-record]
    peercircle export --group NAME [-o FILE] [--anonymise] [--pseudonym ...] [--also-hide ...]

Files are written atomically and readable by their owner only; a folder made for
``--all`` is too. ``--all`` never overwrites a different file: an export already there with
the same text is left alone, anything else gets a new name beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from peercircle.sessions.groups.group import Group
    from peercircle.sessions.groups.store import GroupStore
    from peercircle.sessions.records.anonymise import Anonymiser
    from peercircle.sessions.records.summary import SessionSummary
    from peercircle.sessions.storage.store import SessionStore

EXIT_PARTLY = 1
"""--all wrote what it could, but some session files could not be read."""


def _pseudonym(text: str) -> tuple[str, str]:
    name, sep, alias = text.partition("=")
    if not sep or not name.strip() or not alias.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=ALIAS, got {text!r}")
    return " ".join(name.split()), " ".join(alias.split())


def add_export_command(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export",
        help="write past sessions as Markdown",
        description="Write a past session (or all of them) as Markdown.",
    )
    export.add_argument("id", nargs="?", help="session id (or the start of one) from 'peercircle list'")
    export.add_argument("--all", action="store_true", help="every session, one file each, into -o DIR")
    export.add_argument(
        "--group", metavar="NAME", help="the report of a group over its meetings (see 'peercircle groups')"
    )
    export.add_argument(
        "-o",
        "--output",
        help="file (or, with --all, folder) to write; '-' or none: standard output",
    )
    export.add_argument(
        "--force", action="store_true", help="replace the file given with -o if it already exists"
    )
    export.add_argument(
        "--anonymise",
        "--anonymize",
        action="store_true",
        help="replace names with initials (or the pseudonyms given) everywhere",
    )
    export.add_argument(
        "--pseudonym",
        action="append",
        type=_pseudonym,
        default=[],
        metavar="NAME=ALIAS",
        help="the pseudonym for one person (repeatable; implies --anonymise)",
    )
    export.add_argument(
        "--also-hide",
        "--hide",
        action="append",
        default=[],
        metavar="NAMES",
        help="other names to replace, e.g. people who use services: comma-separated as in the app's "
        "dialog, or repeated (implies --anonymise)",
    )
    export.add_argument(
        "--include-private", action="store_true", help="include the facilitator's private notes"
    )
    export.add_argument(
        "--learning-record",
        metavar="NAME",
        help="a personal learning record for one participant instead of the whole record",
    )


class _Options(NamedTuple):  # not a dataclass: every command, 'list' too, imports this module
    anonymise: bool
    pseudonyms: dict[str, str]
    also_hide: tuple[str, ...]
    include_private: bool
    learning_record: str | None


def run_export(args: argparse.Namespace, data_dir: Path) -> int:
    """Raises ValueError with the one line to show for anything the user can fix."""
    if args.group is not None:
        _check_group_args(args)
    if args.all and args.id:
        raise ValueError("give a session id or --all, not both")
    if not args.all and not args.id and args.group is None:
        raise ValueError("export needs a session id (see 'peercircle list') or --all")
    if args.output is not None and not args.output.strip():
        raise ValueError("-o needs a file or folder name ('-' for standard output)")
    if args.output == "-":
        if args.all:
            raise ValueError("--all writes one file per session: -o needs a folder, not '-'")
        args.output = None
    if args.all and args.output is None:
        raise ValueError("--all needs a folder to write into: -o DIR")
    if args.all and args.learning_record:
        raise ValueError("--learning-record is for one session: give its id instead of --all")
    if args.learning_record is not None and args.include_private:
        raise ValueError("a learning record never holds private notes; drop --include-private")
    if args.learning_record is not None and not args.learning_record.strip():
        raise ValueError("--learning-record needs a participant's name")
    also_hide: tuple[str, ...] = ()
    if args.also_hide:
        from peercircle.sessions.records.anonymise import split_names

        also_hide = tuple(dict.fromkeys(n for names in args.also_hide for n in split_names(names)))
    options = _Options(
        anonymise=bool(args.anonymise or args.pseudonym or args.also_hide),
        pseudonyms=dict(args.pseudonym),
        also_hide=also_hide,
        include_private=args.include_private,
        learning_record=args.learning_record,
    )
    output = None if args.output is None else Path(args.output)
    if args.group is not None:
        return _export_group(data_dir, args.group, output, options, force=args.force)
    if args.all:
        assert output is not None
        return _export_all(data_dir, output, options)
    return _export_one(data_dir, args.id, output, options, force=args.force)


def _anonymiser(summary: SessionSummary, options: _Options) -> Anonymiser | None:
    from peercircle.sessions.records.anonymise import make_anonymiser, pseudonym_problems
    from peercircle.sessions.records.export import find_person

    if not options.anonymise:
        return None
    chosen = {}
    for name, alias in options.pseudonyms.items():
        # Someone outside the group keeps the name given: it is replaced by the alias all the same.
        with contextlib.suppress(ValueError):
            name = find_person(summary, name)
        chosen[name] = alias
    roster = summary.roster
    # A pseudonym that is someone else's real name would pin their words on them.
    problems = pseudonym_problems(roster, chosen)
    if problems:
        raise ValueError(problems[0])
    return make_anonymiser(roster, chosen, options.also_hide)


def _render(summary: SessionSummary, options: _Options) -> tuple[str, str]:
    """(Markdown, file name) for one session."""
    from peercircle.sessions.records.export import (
        export_filename,
        find_person,
        render_learning_record,
        render_markdown,
    )

    anonymiser = _anonymiser(summary, options)
    if options.learning_record is not None:
        person = find_person(summary, options.learning_record)
        text = render_learning_record(summary, person, anonymiser)
        return text, export_filename(summary, options.anonymise, person, anonymiser)
    text = render_markdown(summary, options.include_private, anonymiser)
    name = export_filename(
        summary, options.anonymise, anonymiser=anonymiser, include_private=options.include_private
    )
    return text, name


def _export_one(
    data_dir: Path, session_id: str, output: Path | None, options: _Options, force: bool = False
) -> int:
    from peercircle.sessions.records.summary import summarise
    from peercircle.sessions.storage.store import SessionStore, StoreError

    store = SessionStore(data_dir, writer=False)
    try:
        session = store.load(store.resolve(session_id))
    except StoreError as exc:
        raise ValueError(str(exc)) from exc
    text, name = _render(summarise(session), options)
    return _write_one(text, name, output, force)


def _write_one(text: str, name: str, output: Path | None, force: bool) -> int:
    """``text`` on standard output, into the file ``output``, or named ``name`` in the
    folder ``output``."""
    from peercircle.sessions.files import atomic_write_text

    if output is None:
        sys.stdout.write(text)
        return 0
    target = output.expanduser()
    if target.is_dir():  # a folder: the export is named for it, and never replaces another file
        target = _free_target(target, name, text)
    elif target.exists() and not force:
        # A record someone kept must never be replaced by accident.
        raise ValueError(f"{target} already exists; choose another name or add --force to replace it")
    try:
        atomic_write_text(target.resolve(), text)
    except OSError as exc:
        raise ValueError(f"cannot write {output}: {exc.strerror or exc}") from exc
    print(f"Wrote {target}", file=sys.stderr)
    return 0


class _Progress:
    """A bar on stderr when stderr is a terminal; nothing otherwise (the caller prints a
    summary line either way)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.shown = sys.stderr.isatty()
        self.last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.shown or (done < self.total and now - self.last < 0.05):
            return
        self.last = now
        width = 30
        filled = width * done // max(1, self.total)
        sys.stderr.write(f"\rExporting [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


class _Rendered(NamedTuple):
    """One session of ``--all``, rendered: its text and file name, or why there is none."""

    text: str = ""
    name: str = ""
    unreadable: bool = False
    held_back: bool = False
    """Anonymised, it would still name someone: not written."""


def _render_session(store: SessionStore, session_id: str, options: _Options) -> _Rendered:
    from peercircle.sessions.records.anonymise import NamesLeftError
    from peercircle.sessions.records.summary import summarise
    from peercircle.sessions.storage.store import StoreError

    try:
        text, name = _render(summarise(store.load(session_id)), options)
    except StoreError:
        return _Rendered(unreadable=True)
    except NamesLeftError:
        return _Rendered(held_back=True)
    return _Rendered(text, name)


# -- rendering in worker processes ------------------------------------------------------------
# Loading, replaying and rendering a session is pure CPU and each session is independent, so
# a long history is rendered by one process per core. The files are still named and written
# here, in order, by this process alone: the names, the files kept and the summary line are
# those of rendering one after another (tests/test_export_all.py checks it).

PARALLEL_FROM = 64
"""Fewer sessions than this render here: starting worker processes would cost more."""
MAX_WORKERS = 8
_worker_state: tuple[SessionStore, _Options] | None = None


def _start_worker(data_dir: Path, options: _Options) -> None:
    import signal

    from peercircle.sessions.storage.store import SessionStore

    # Ctrl-C reaches every process in the terminal's group: the parent stops the export
    # (status 130) and the workers finish their piece quietly, with no traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_state
    _worker_state = (SessionStore(data_dir, writer=False), options)


def _render_in_worker(session_id: str) -> _Rendered:
    assert _worker_state is not None, "a worker is started with _start_worker"
    store, options = _worker_state
    return _render_session(store, session_id, options)


def worker_count(sessions: int) -> int:
    """How many processes render ``sessions`` sessions: one per core this process may use
    (at most ``MAX_WORKERS``), and none (render here) for a short history or one core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        cores = os.cpu_count() or 1
    if sessions < PARALLEL_FROM or cores < 2:
        return 0
    return min(cores, MAX_WORKERS)


@contextlib.contextmanager
def _rendered(
    store: SessionStore, data_dir: Path, ids: list[str], options: _Options, workers: int
) -> Iterator[Iterator[_Rendered]]:
    """Each session rendered, in the order of ``ids``: here, or by ``workers`` processes."""
    if workers <= 0:
        yield (_render_session(store, session_id, options) for session_id in ids)
        return
    from concurrent.futures import ProcessPoolExecutor

    # A broken worker (killed, out of memory) fails the export with a message; a Pool would
    # wait for it for ever.
    pool = ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(data_dir, options))
    try:
        with _workers_ignore_ctrl_c():
            # Pieces of 16: a worker sends back 16 records at a time, and none idles at the end.
            results = pool.map(_render_in_worker, ids, chunksize=16)  # starts the workers
        yield results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Ctrl-C ignored while the workers start, so they start ignoring it (a started worker
    sets that itself, but one interrupted before would print its traceback)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a signal handler; the workers still ignore it
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _export_all(data_dir: Path, folder: Path, options: _Options, workers: int | None = None) -> int:
    """``workers``: processes to render in (None: one per core for a long history; 0: here)."""
    from peercircle.sessions.files import atomic_write_text, ensure_export_dir
    from peercircle.sessions.storage.store import SessionStore

    store = SessionStore(data_dir, writer=False)
    entries = sorted(store.list_sessions(), key=lambda e: (e.created, e.id))
    if not entries:
        print(f"No sessions to export in {data_dir}", file=sys.stderr)
        return 0
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} is a file; --all needs a folder")
    try:
        ensure_export_dir(folder)
    except OSError as exc:
        raise ValueError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    taken: set[str] = set()
    written = kept = 0
    unreadable: list[str] = []
    held_back: list[str] = []
    progress = _Progress(len(entries))
    if workers is None:
        workers = worker_count(len(entries))
    ids = [entry.id for entry in entries]
    try:
        with _rendered(store, data_dir, ids, options, workers) as results:
            for done, (entry, result) in enumerate(zip(entries, results, strict=True), 1):
                if result.unreadable:
                    unreadable.append(entry.id)
                    progress.update(done)
                    continue
                if result.held_back:
                    held_back.append(entry.id)  # anonymised, it would still name someone
                    progress.update(done)
                    continue
                text, name = result.text, result.name
                if name.casefold() in taken:  # two sessions of one format on one day
                    name = f"{name.removesuffix('.md')} ({entry.id}).md"
                taken.add(name.casefold())
                target = _free_target(folder, name, text)
                if target.exists():
                    kept += 1
                else:
                    try:
                        # Each file is still all-or-nothing; the one sync comes at the end
                        # (below), not per file: these are copies, the sessions stay safe.
                        atomic_write_text(target, text, durable=False)
                    except OSError as exc:
                        raise ValueError(f"cannot write {target}: {exc.strerror or exc}") from exc
                    written += 1
                progress.update(done)
        if written:
            os.sync()
    finally:
        progress.close()
    message = f"Exported {written} session{'s' if written != 1 else ''} to {folder}"
    if kept:
        message += f"; {kept} already there unchanged"
    if unreadable:
        listed = ", ".join(unreadable[:3]) + ("..." if len(unreadable) > 3 else "")
        message += f"; {len(unreadable)} could not be read ({listed})"
    if held_back:
        listed = ", ".join(held_back[:3]) + ("..." if len(held_back) > 3 else "")
        message += f"; {len(held_back)} not written because a name would have stayed in them ({listed})"
    print(message, file=sys.stderr)
    return EXIT_PARTLY if unreadable or held_back else 0


def _free_target(folder: Path, name: str, text: str) -> Path:
    """Where to write ``text`` as ``name`` in ``folder`` without replacing a different
    file: the name itself, a file there already holding exactly this text, or "name (2)"..."""
    from peercircle.sessions.files import free_name

    return free_name(folder / name, lambda target: target.is_file() and _same_text(target, text))


def _same_text(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


# -- a group's report -------------------------------------------------------------------------


def _check_group_args(args: argparse.Namespace) -> None:
    if args.id:
        raise ValueError("give a session id or --group, not both")
    if args.all:
        raise ValueError("give --all or --group, not both")
    if not args.group.strip():
        raise ValueError("--group needs a group's name (see 'peercircle groups')")
    if args.learning_record is not None:
        raise ValueError("--learning-record is for one session: give its id instead of --group")
    if args.include_private:
        raise ValueError("a group report never holds private notes; drop --include-private")


def find_group(groups: GroupStore, name: str) -> Group:
    """The group ``name`` names (its name or id, any case, or the start of one); otherwise
    ValueError saying which groups come close."""
    import difflib

    found = groups.find(name)
    if found is not None:
        return found
    everyone = groups.groups(archived=True)
    if not everyone:
        raise ValueError(f"no group called {name!r}: there are no groups yet (make one in the app)")
    wanted = " ".join(name.split()).casefold()
    starting = [g.name for g in everyone if g.id.startswith(wanted) or g.name.casefold().startswith(wanted)]
    if len(starting) > 1:
        raise ValueError(
            f"{name!r} matches {len(starting)} groups ({', '.join(starting)}); give more of the name"
        )
    by_key = {g.name.casefold(): g.name for g in everyone} | {g.id: g.name for g in everyone}
    close = list(
        dict.fromkeys(by_key[k] for k in difflib.get_close_matches(wanted, list(by_key), n=3, cutoff=0.5))
    )
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"no group called {name!r}{hint} ('peercircle groups' lists them)")


def _export_group(data_dir: Path, name: str, output: Path | None, options: _Options, force: bool) -> int:
    from peercircle.sessions.groups.overview import overview
    from peercircle.sessions.groups.report import group_report_filename, render_group_report, report_people
    from peercircle.sessions.groups.store import GroupStore
    from peercircle.sessions.records.anonymise import make_anonymiser, pseudonym_problems
    from peercircle.sessions.records.summary import summarise
    from peercircle.sessions.storage.store import SessionStore, StoreError

    groups = GroupStore(data_dir, writer=False)
    groups.groups()  # read first, so what is wrong with the file is said even if no group is found
    for problem in groups.problems:
        print(f"peercircle: {problem}", file=sys.stderr)
    group = find_group(groups, name)
    store = SessionStore(data_dir, writer=False)

    def read(session_id: str) -> SessionSummary | None:
        # A meeting purged since, or whose file is damaged, is reported missing, not fatal.
        try:
            return summarise(store.load(session_id))
        except StoreError:
            return None

    seen = overview(group, read, groups.ticks())
    anonymiser = None
    if options.anonymise:
        people = report_people(seen)
        folded = {p.casefold(): p for p in people}
        chosen = {folded.get(n.casefold(), n): alias for n, alias in options.pseudonyms.items()}
        problems = pseudonym_problems(people, chosen)
        if problems:
            raise ValueError(problems[0])
        anonymiser = make_anonymiser(people, chosen, options.also_hide)
    text = render_group_report(seen, anonymiser)
    if seen.missing:
        count = len(seen.missing)
        print(
            f"peercircle: {count} of the group's meeting records could not be read (purged or damaged); "
            "the report says so.",
            file=sys.stderr,
        )
    return _write_one(text, group_report_filename(seen, anonymiser), output, force)
