"""The peercircle application: owns the store, the format library and the running session."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.message import Message
from textual.screen import Screen
from textual.theme import Theme

# Only what the first frame needs is imported here. The store, the folder lock (filelock),
# the session engine and every screen but home are imported where they are first used:
# together they were a third of the time to the first frame, and none of it is drawn there.
from peercircle.sessions.engine.clock import Clock, SystemClock
from peercircle.sessions.files import size_text
from peercircle.sessions.storage.layout import DataFolder
from peercircle.sessions.storage.settings import Settings
from peercircle.sessions.text import clean_text
from peercircle.tui.screens.home import HomeScreen
from peercircle.tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from peercircle.tui.themes import THEMES

if TYPE_CHECKING:
    from peercircle.sessions.engine.meeting import Meeting, ReportBack
    from peercircle.sessions.engine.session import Session
    from peercircle.sessions.groups.meetings import MeetingPlan
    from peercircle.sessions.groups.store import GroupStore
    from peercircle.sessions.library.decks import DeckLibrary
    from peercircle.sessions.library.format_file import Library
    from peercircle.sessions.library.formats import Format
    from peercircle.sessions.records.summary import SessionSummary
    from peercircle.sessions.storage.autosave import Autosaver
    from peercircle.sessions.storage.lock import FolderLock
    from peercircle.sessions.storage.store import IndexEntry, SessionStore
    from peercircle.tui.screens.agreement import Agreed
    from peercircle.tui.screens.choose_format import ChooseFormatScreen
    from peercircle.tui.screens.group import GroupChoice, GroupScreen
    from peercircle.tui.screens.meeting_start import Attendance

Answer = TypeVar("Answer")

DRIVER_CLOSE_TIMEOUT = 1.0
"""Seconds the signal watcher waits for Textual's driver to close before ending anyway."""

OPEN_IN_BACKGROUND = 1 << 20
"""Bytes: a session file this big or bigger is read off the UI thread. A real session
(50-200 KB) reads in a few milliseconds; 1 MB in about 20 ms, a frame or two."""


SIGNAL_GRACE = 1.0
"""Seconds a SIGTERM or SIGHUP leaves the UI thread to start saving and leaving the ordinary
way before the app is ended from another thread."""
SAVE_TIMEOUT = 5.0
"""Seconds to wait for the last notes to reach the disk when ending on a signal."""
_LEAVE_APPLICATION_MODE = (
    # What Textual's LinuxDriver writes when it stops (mouse, bracketed paste, line wrap,
    # resize reports, kitty keyboard, alternate screen, cursor, focus reports).
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?7h\x1b[?2048l"
    "\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l"
)


def _when(session_id: str) -> str:
    """The day a session started, from its id (``20261112-0900-3d8b``), without reading it."""
    try:
        started = datetime.strptime(session_id[:13], "%Y%m%d-%H%M")
    except ValueError:
        return session_id
    return f"{started.day} {started:%b %Y}, {started:%H:%M}"


def _leave_groups(data_dir: Path, session_ids: set[str]) -> list[str]:
    """Purged sessions leave their groups, from the thread that opens the data folder (the
    app's own group store waits for that opening to end); what went wrong, for the user."""
    from peercircle.sessions.groups.store import GroupStore, GroupStoreError

    groups = GroupStore(data_dir)
    try:
        groups.forget_sessions(session_ids)
    except GroupStoreError as exc:
        return [*groups.problems, str(exc)]
    return groups.problems


def _unexpected(exc: Exception) -> str:
    return f"The session could not be read ({exc.__class__.__name__}: {exc})."


@dataclass
class OpenFolder:
    """The data folder once it is open: what the first frame does not wait for."""

    store: SessionStore
    lock: FolderLock
    problems: list[str] = field(default_factory=list)
    """What the home screen must tell the user before anything else (a busy folder, a bad
    setting, sessions the retention setting deleted); more may be added later."""
    entries: list[IndexEntry] = field(default_factory=list)
    """The history as listed once the folder was tidied, newest first."""
    list_problem: str | None = None
    """Why the history could not be listed, when it could not."""


class FolderOpened(Message):
    """Posted to the app (from the opening thread) once the data folder is open."""


class _FolderOpening:
    """Opens the data folder on a thread of its own, started after the first frame.

    Taking the folder's lock, tidying the folder, the retention purge and listing the history
    all grow with the history (or import modules the first frame does not need), so none of
    them runs before the first paint. Anything that needs the folder asks ``wait()``: from
    the UI thread that waits for the opening (a fraction of a second, and only for a key
    pressed at once), so a session can never start, nor a file be deleted, before the lock
    is held and the purge is over. Never a Textual worker: those start on the event loop,
    which a UI thread waiting here would never get back to."""

    def __init__(self, open_folder: Callable[[], OpenFolder], opened: Callable[[], None]) -> None:
        self._open_folder = open_folder
        self._opened = opened
        self._guard = threading.Lock()
        self._done = threading.Event()
        self._started = False
        self.result: OpenFolder | None = None

    def start(self) -> bool:
        """Open the folder in the background; False when that has been started already."""
        with self._guard:
            if self._started:
                return False
            self._started = True
        threading.Thread(target=self._run, name="peercircle-open-folder", daemon=True).start()
        return True

    def wait(self) -> OpenFolder:
        """The open folder, opening it here and now if nothing has started to yet."""
        with self._guard:
            run_here = not self._started
            self._started = True
        if run_here:
            self._run()
        self._done.wait()
        assert self.result is not None  # _run always leaves one
        return self.result

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def started(self) -> bool:
        return self._started

    def _run(self) -> None:
        try:
            self.result = self._open_folder()
        finally:
            self._done.set()
        self._opened()


class PeerCircleApp(App[None]):
    TITLE = "peercircle"
    CSS_PATH = "peercircle.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False, tooltip="Save and quit"),
        Binding("f1,question_mark", "help", "Help", show=False),
    ]

    def __init__(
        self,
        data_dir: Path | None = None,
        clock: Clock | None = None,
        export_dir: Path | None = None,
        refresh_interval: float = 0.25,
    ) -> None:
        super().__init__()
        self.data_dir = data_dir or DataFolder.default().root
        self.export_dir = export_dir or DataFolder(self.data_dir).export_dir()
        self.clock: Clock = clock or SystemClock()
        self.refresh_interval = refresh_interval
        self._folder = _FolderOpening(self._open_data_folder, self._post_opened)
        self._folder_shown = False
        """True once the home screen has been told the folder is open (it is told once)."""
        self._library: Library | None = None
        self._decks: DeckLibrary | None = None
        # The home screen reads the formats on a worker thread after the first frame, and a
        # key may ask for them on the UI thread meanwhile: they are read once, not twice.
        self._library_lock = threading.RLock()
        self.autosaver: Autosaver | None = None
        self.unsaved: list[Autosaver] = []
        """Finished sessions whose last writes failed; their writers keep retrying."""
        self.bell_muted = False
        self.projector = False
        """Projector view: nothing meant for the facilitator alone is on screen."""
        for theme in THEMES:
            self.register_theme(theme)
        self._choose_saved_theme()
        # SIGHUP and SIGTERM (see _watch_for_terminal_close).
        self._signal_handlers: dict[int, Any] = {}
        self._signal_loop: asyncio.AbstractEventLoop | None = None
        self._signalled = False
        self._signal_event = threading.Event()
        self._exit_started = threading.Event()
        self._unmounted = threading.Event()

    def get_driver_class(self) -> type[Driver]:
        """Textual's own choice of driver, but on Linux and macOS one that survives a byte
        that is not UTF-8 and never turns pasted text into keys (see terminal_input)."""
        driver_class = super().get_driver_class()
        if driver_class.__name__ == "LinuxDriver":  # not imported here: Windows has no termios
            from peercircle.tui.terminal_input import SafeInputDriver

            if driver_class is SafeInputDriver.__base__:
                return SafeInputDriver
        return driver_class

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded:
            # Every paste, into any box (notes, names, the agreement, a search), is text the
            # person could see: no escape sequences, no control characters but line breaks
            # and tabs. Cleaned here, before Textual hands it to the focused widget.
            event.text = clean_text(event.text)
        await super().on_event(event)

    @property
    def library(self) -> Library:
        """Built-in and user formats, read the first time they are needed (not before the
        first screen: parsing them is start-up time nobody needs to wait for)."""
        with self._library_lock:
            if self._library is None:
                from peercircle.sessions.library.format_file import load_library

                self._library = load_library(DataFolder(self.data_dir).formats, self.deck_cards())
            return self._library

    @property
    def library_loaded(self) -> bool:
        """True once the formats have been read (never waits)."""
        return self._library is not None

    @property
    def decks(self) -> DeckLibrary:
        """Built-in prompt decks plus the facilitator's own (``<data>/decks``), read once."""
        with self._library_lock:
            if self._decks is None:
                from peercircle.sessions.library.decks import load_decks

                self._decks = load_decks(DataFolder(self.data_dir).decks)
            return self._decks

    def deck_cards(self) -> dict[str, list[str]]:
        return self.decks.card_titles()

    def reload_library(self) -> Library:
        """Read the formats again (after the facilitator saved one of their own)."""
        with self._library_lock:
            self._library = None
            return self.library

    # -- the data folder ------------------------------------------------------------------

    @property
    def folder(self) -> OpenFolder:
        """The data folder, waiting for it to be opened if that is still going on."""
        return self._folder.wait()

    @property
    def folder_is_open(self) -> bool:
        """True once the data folder is open (never waits)."""
        return self._folder.done

    @property
    def store(self) -> SessionStore:
        return self.folder.store

    _group_store: GroupStore | None = None
    _group_store_made = threading.Lock()
    """Workers of two screens may ask at once: one store, so no tick is kept in a copy."""

    @property
    def groups(self) -> GroupStore:
        """The folder's groups and action ticks, read when first needed; only the peercircle
        holding the folder's lock may change them (the other one is told why not)."""
        with self._group_store_made:
            if self._group_store is None:
                from peercircle.sessions.groups.store import GroupStore

                self._group_store = GroupStore(self.data_dir, writer=not self.read_only)
            return self._group_store

    @property
    def lock(self) -> FolderLock:
        return self.folder.lock

    def forget_sessions(self, session_ids: set[str]) -> None:
        """Sessions deleted for good leave their groups (what a later meeting needs of them
        is in that meeting's own record)."""
        from peercircle.sessions.groups.store import GroupStoreError

        try:
            self.groups.forget_sessions(session_ids)
        except GroupStoreError as exc:
            self.notify(str(exc), severity="warning", markup=False)

    @property
    def startup_problems(self) -> list[str]:
        """What the home screen must tell the user before anything else."""
        return self.folder.problems

    @property
    def read_only(self) -> bool:
        return not self.store.writer

    @property
    def known_read_only(self) -> bool:
        """True only once the folder is known to be in use elsewhere (never waits): the home
        screen's keys are offered as usual while the folder is being opened."""
        opened = self._folder.result
        return opened is not None and not opened.store.writer

    def on_mount(self) -> None:
        self._save_theme_changes()
        self._watch_for_terminal_close()
        self.push_screen(HomeScreen())
        # After the first frame: nothing that grows with the history is drawn in it.
        self.call_after_refresh(self._start_opening)

    def _start_opening(self) -> None:
        if not self._folder.start() and self._folder.done:
            # Opened already, by something that asked for the store before the app ran.
            self.post_message(FolderOpened())

    def _post_opened(self) -> None:
        """Wherever the folder was opened: tell the UI thread, once the app runs."""
        if not self.is_running:
            return  # asked for before the app ran: _start_opening tells it
        with contextlib.suppress(RuntimeError):  # the app has closed its loop: nobody to tell
            self.post_message(FolderOpened())

    def on_folder_opened(self, message: FolderOpened) -> None:
        if self._folder_shown:
            return
        self._folder_shown = True
        self.refresh_bindings()  # a busy folder takes n and d away
        home = next((s for s in self.screen_stack if isinstance(s, HomeScreen)), None)
        if home is not None:
            home.folder_opened()
        if not self.read_only and isinstance(self.screen, HomeScreen):
            # Only over home: keys pressed while the folder opened (n) are not interrupted;
            # a session left running is marked "not ended" and offers to resume when opened.
            self.offer_resume()

    def _open_data_folder(self) -> OpenFolder:
        """Take the folder's lock (or go read-only), tidy it, apply the retention setting and
        list the history; on the opening thread (see _FolderOpening)."""
        from peercircle.sessions.storage.lock import FolderLock
        from peercircle.sessions.storage.store import SessionStore, StoreError

        opened = OpenFolder(SessionStore(self.data_dir, writer=False), FolderLock(self.data_dir))
        try:
            self._take_and_tidy(opened)
        except Exception as exc:  # never a traceback on the way in; say what happened
            opened.problems.append(f"The data folder could not be opened ({exc.__class__.__name__}: {exc}).")
        try:
            opened.entries = opened.store.list_sessions()
        except (OSError, StoreError) as exc:
            opened.list_problem = f"Past sessions could not be read: {exc}"
        except Exception as exc:
            opened.list_problem = f"Past sessions could not be read ({exc.__class__.__name__}: {exc})."
        return opened

    def _take_and_tidy(self, opened: OpenFolder) -> None:
        from peercircle.sessions.files import ensure_private_dir

        problems, store, lock = opened.problems, opened.store, opened.lock
        try:
            ensure_private_dir(self.data_dir)
            holder = lock.acquire()
        except OSError as exc:
            problems.append(
                f"The data folder {self.data_dir} cannot be used ({exc.strerror or exc}). "
                "New notes cannot be saved; start peercircle with --data-dir pointing at a writable folder."
            )
            return
        if holder is not None:
            who = f"process {holder}" if holder else "another process"
            problems.append(
                f"This data folder is in use by another peercircle ({who}). Past sessions open "
                "read-only here and no new session can start; close the other one to run a session."
            )
            return
        if lock.took_over_from:
            problems.append(
                f"peercircle (process {lock.took_over_from}) stopped without closing; "
                "its lock on the data folder was taken over."
            )
        store.writer = True
        try:
            store.prepare()
            settings, problem = Settings.load_checked(self.data_dir)
            if problem:
                problems.append(problem)
            days = settings.retention_days
            if days:
                purged = store.purge(days, self.clock.now())
                if purged:
                    problems += _leave_groups(self.data_dir, {entry.id for entry in purged})
                    problems.append(
                        f"{len(purged)} session(s) older than {days} days were deleted (retention setting)."
                    )
                if store.deleted_damaged:
                    problems.append(
                        f"{len(store.deleted_damaged)} damaged file(s) older than {days} days were "
                        f"deleted from {store.quarantine_dir} (retention setting)."
                    )
        except OSError as exc:
            problems.append(f"The data folder could not be tidied ({exc.strerror or exc}).")

    def _choose_saved_theme(self) -> None:
        """The theme last chosen, set before the stylesheet is first parsed.

        Setting ``theme`` the ordinary way once the app runs makes Textual parse every
        stylesheet again and restyle every widget: 100-250 ms before the first frame for
        everyone who had chosen a theme. Here the theme is set without its watcher, and what
        the watcher does that matters before anything is styled is done by hand: the CSS
        variables, the mode classes, and the ANSI colours of a light theme."""
        saved = Settings.load(self.data_dir).theme
        if not saved or saved == self.theme or saved not in self.available_themes:
            return
        self.set_reactive(App.theme, saved)
        theme = self.current_theme
        self.stylesheet.set_variables(self.get_css_variables())
        self.set_class(True, f"-theme-{theme.name}", update=False)
        self.set_class(theme.dark, "-dark-mode", update=False)
        self.set_class(not theme.dark, "-light-mode", update=False)
        self._refresh_truecolor_filter(self.ansi_theme)  # Textual 8.2.8, pinned (pyproject)

    def _save_theme_changes(self) -> None:
        self.theme_changed_signal.subscribe(self, self._keep_theme)

    def _keep_theme(self, theme: Theme) -> None:
        if self.read_only:
            return  # a second app on the folder never writes to it
        settings = Settings.load(self.data_dir)
        if settings.theme != theme.name:
            settings.theme = theme.name
            try:
                settings.save(self.data_dir)
            except OSError:
                self.notify("The theme could not be saved for next time.", severity="warning")

    def _watch_for_terminal_close(self) -> None:
        """A closed terminal window (SIGHUP) or a shutdown (SIGTERM) saves before leaving,
        even while the UI thread is busy.

        asyncio's ``loop.add_signal_handler`` runs its handler on the event loop, which a busy
        UI thread never gets back to. A plain ``signal.signal`` handler runs between any two
        Python instructions of the main thread; it only wakes a watcher thread (doing more
        there, such as taking the autosaver's lock, could deadlock with the very code it
        interrupted). The watcher asks the app to save and exit the ordinary way, and if the
        UI thread has not started on that within SIGNAL_GRACE seconds, saves from its own
        thread, puts the terminal back as it was and ends the process.
        """
        if self.is_headless or threading.current_thread() is not threading.main_thread():
            return  # under test (Pilot): the test process's own signals are left alone
        self._signal_loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            sig = getattr(signal, name, None)
            if sig is not None:  # Windows has no SIGHUP
                self._signal_handlers[sig] = signal.signal(sig, self._on_end_signal)
        threading.Thread(target=self._end_on_signal, name="peercircle-signals", daemon=True).start()

    def _on_end_signal(self, signum: int, frame: object) -> None:
        # Runs on the main thread, wherever it was: a plain flag first, so a second signal
        # arriving while the first is handled never waits on the Event's lock held below it.
        if self._signalled:
            return
        self._signalled = True
        self._signal_event.set()

    def _end_on_signal(self) -> None:
        """The watcher thread: wait for SIGHUP or SIGTERM, then end the app after saving."""
        self._signal_event.wait()
        loop = self._signal_loop
        with contextlib.suppress(RuntimeError):  # the loop has closed: the app is ending anyway
            if loop is not None:
                loop.call_soon_threadsafe(self.save_and_exit)
        # Once the UI thread is saving and leaving, it has time to finish (a slow disk), no more.
        if self._exit_started.wait(SIGNAL_GRACE) and self._unmounted.wait(SAVE_TIMEOUT + SIGNAL_GRACE):
            return
        saved = self._save_from_this_thread()
        self._restore_terminal()
        os._exit(0 if saved else 1)

    def _save_from_this_thread(self) -> bool:
        """What ``finish_recording`` does, from a thread other than the UI thread: the
        autosaver is thread-safe, and the app is about to end, so nothing else is touched."""
        saved = True
        saver = self.autosaver
        if saver is not None:
            saved = saver.close(timeout=SAVE_TIMEOUT)
        for other in list(self.unsaved):
            saved = other.flush(timeout=SAVE_TIMEOUT) and saved
        opened = self._folder.result
        if opened is not None:
            with contextlib.suppress(OSError):
                opened.lock.release()
        return saved

    def _restore_terminal(self) -> None:
        """Leave the terminal as Textual's driver would at exit, from this thread.

        The driver's own ``stop_application_mode`` cannot be used here: it resets a signal
        handler, which only the main thread may do. The writer thread is stopped first, so
        what it still holds is drawn before the terminal is handed back."""
        driver = self._driver
        if driver is None:
            return

        def close() -> None:
            with contextlib.suppress(Exception):
                driver.close()

        # In a thread of its own, waited for a moment only: on a terminal that has gone
        # (SIGHUP), Textual's writer thread can stop taking output, and ``close`` (which
        # queues a last message for it) then waits for room for ever; the process was left
        # asleep for good, instead of ending.
        closing = threading.Thread(target=close, name="peercircle-close-driver", daemon=True)
        closing.start()
        closing.join(DRIVER_CLOSE_TIMEOUT)
        fileno: int | None = getattr(driver, "fileno", None)
        attrs = getattr(driver, "attrs_before", None)
        if fileno is not None and attrs is not None:
            import termios  # POSIX only, as are the signals that lead here

            with contextlib.suppress(termios.error, OSError):  # a closed terminal (SIGHUP)
                termios.tcsetattr(fileno, termios.TCSANOW, attrs)
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.__stderr__.write(_LEAVE_APPLICATION_MODE)  # type: ignore[union-attr]
            sys.__stderr__.flush()  # type: ignore[union-attr]

    def save_and_exit(self) -> None:
        self._exit_started.set()
        self.finish_recording()
        self.exit()

    def action_help(self) -> None:
        from peercircle.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def on_resize(self, event: events.Resize) -> None:
        """Below the minimum size, say so plainly instead of drawing a broken layout."""
        width, height = event.size.width, event.size.height
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        screen = self.screen
        showing = isinstance(screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen())
        elif isinstance(screen, TooSmallScreen) and small:
            screen.show(width, height)
        elif showing:
            self.pop_screen()

    # -- resuming after a crash ----------------------------------------------------------

    def offer_resume(self) -> None:
        """If a session was left running (a crash, a closed terminal), offer to pick it up."""
        waiting = [e for e in self.store.list_sessions() if not e.ended]
        if not waiting:
            return
        from peercircle.tui.screens.confirm import ConfirmScreen

        entry = waiting[0]
        started = entry.created[11:16]

        def answered(yes: bool | None) -> None:
            if yes:
                self.resume_session(entry.id)

        self.push_screen(
            ConfirmScreen(
                f"{entry.format_name} (started {started}, {entry.group_size} people) was not ended. "
                "Resume it? It comes back paused, at the same phase and speaker, with the time it had.",
                yes="Resume",
                no="Not now",
            ),
            answered,
        )

    def resume_session(self, session_id: str) -> bool:
        """Pick a session that was not ended up again, live; False when it cannot be read
        (a big file is read in the background: then a failure is reported later)."""
        return self._with_session(session_id, self._resume, "Cannot resume")

    def _resume(self, session: Session) -> None:
        from peercircle.tui.screens.live import LiveScreen

        session_id = session.meta.id
        session.live = True
        # Read the dead process's last heartbeat before recording starts: the new one
        # writes its own straight away.
        alive = self.store.read_alive(session_id)
        self.begin_session(session)
        session.reopen(*alive)
        self._join_group(session)
        # Nobody is asked who sees the screen here: after a crash the projector is most
        # likely still on, with the room watching the restart, and another question would
        # stand between the group and its session. So the safe view, which v or F9 leaves.
        self.projector = True
        self.push_screen(LiveScreen(session))
        self.notify(
            "Resumed in projector view: private notes are hidden. v (or F9) for facilitator view.",
            timeout=6,
        )

    def open_past_session(self, session_id: str, failed: Callable[[], None] | None = None) -> bool:
        """Show a past session's summary; one that was never ended offers to resume first.

        False when it cannot be read; for a big file, read in the background, ``failed``
        runs when that turns out later (the file may have been moved aside: list again)."""
        return self._with_session(session_id, self._show_past, "Cannot open", failed)

    def _show_past(self, session: Session) -> None:
        from peercircle.tui.screens.confirm import ConfirmScreen
        from peercircle.tui.screens.summary import SummaryScreen

        if session.ended or self.read_only or self.autosaver is not None:
            self.push_screen(SummaryScreen(session, read_only=True))
            return

        def answered(resume: bool | None) -> None:
            if resume:
                # The session as just read: a big file is not read (and waited for) twice, and
                # nothing else writes it (this app holds the folder's lock).
                self._resume(session)
            else:
                self.push_screen(SummaryScreen(session, read_only=True))

        self.push_screen(
            ConfirmScreen(
                "This session was not ended. Resume it (it comes back paused), or just look at it?",
                yes="Resume",
                no="Look",
            ),
            answered,
        )

    # -- reading a session file ----------------------------------------------------------

    def _with_session(
        self,
        session_id: str,
        then: Callable[[Session], None],
        title: str,
        failed: Callable[[], None] | None = None,
    ) -> bool:
        """Read a session and hand it to ``then`` on the UI thread; a file that cannot be
        read is reported under ``title``. A small file is read here and now (milliseconds:
        quicker than a round trip to another thread, and nothing flashes on screen); a big
        one in the background, behind a message saying so, so the app keeps answering."""
        from peercircle.sessions.engine.session import Session
        from peercircle.sessions.storage.store import StoreError

        size = self.store.size_of(session_id)
        if size < OPEN_IN_BACKGROUND:
            try:
                session = self.store.load(session_id, clock=self.clock)
            except StoreError as exc:
                self.notify(str(exc), title=title, severity="error", markup=False)
                return False
            then(session)
            return True
        from peercircle.tui.screens.opening import OpeningScreen, Outcome

        def read() -> Session:
            return self.store.load(session_id, clock=self.clock)

        def done(outcome: Outcome) -> None:
            if isinstance(outcome, Session):
                then(outcome)
                return
            if outcome is None:
                return  # the user stopped waiting
            message = str(outcome) if isinstance(outcome, StoreError) else _unexpected(outcome)
            self.notify(message, title=title, severity="error", markup=False)
            if failed is not None:
                failed()

        self.push_screen(
            OpeningScreen(f"Opening the session from {_when(session_id)} ({size_text(size)})…", read), done
        )
        return True

    def action_history(self) -> None:
        """Every past session, searchable (from home with h, or the command palette)."""
        from peercircle.tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    # -- setting up a session: format -> group -> agreement -> live -----------------------
    #
    # Each step's screen only answers (its dismiss result; None is Back) and the app decides
    # what comes next, so no screen knows its successor or how many screens lie under it.
    # A step left forwards is kept alive (installed), so Back shows it again exactly as it
    # was left (highlight, typed names, focus); a step left backwards is dropped, so going
    # forward again starts it afresh.

    def set_up_session(self) -> None:
        """Start setting up a new session (home's n)."""
        from peercircle.tui.screens.choose_format import ChooseFormatScreen

        if self.read_only:  # waits for the folder: n may come before it was opened
            self.notify(
                "This data folder is in use by another peercircle: no new session can start here.",
                severity="warning",
            )
            return

        choose = ChooseFormatScreen()
        self._ask(choose, partial(self._format_chosen, choose))

    def _ask(
        self, step: Screen[Answer | None], then: Callable[[Answer | None], None], keep: bool = True
    ) -> None:
        if keep and not self.is_screen_installed(step):
            self.install_screen(step, f"set-up-{id(step)}")
        self.push_screen(step, then)

    def _drop(self, *steps: Screen[Any]) -> None:
        """Let Textual forget set-up steps nobody can go back to any more."""
        for step in steps:
            if self.uninstall_screen(step) is not None:
                # Popped while installed, so Textual kept it; once any pending pop has run
                # (after this refresh) it is removed here, unless that pop removed it already.
                self.call_after_refresh(self._remove_step, step)

    def _remove_step(self, step: Screen[Any]) -> None:
        if step.is_attached and step not in self.screen_stack and not self.is_screen_installed(step):
            step.remove()

    def _format_chosen(self, choose: ChooseFormatScreen, fmt: Format | None) -> None:
        from peercircle.tui.screens.group import GroupScreen

        if fmt is None:  # Back from the first step: home
            self._drop(choose)
            return
        group = GroupScreen(fmt)
        self._ask(group, partial(self._group_chosen, choose, group))

    def _group_chosen(
        self, choose: ChooseFormatScreen, group: GroupScreen, choice: GroupChoice | None
    ) -> None:
        from peercircle.tui.screens.agreement import AgreementScreen

        if choice is None:  # Back: the format list as it was left
            self._drop(group)
            self._ask(choose, partial(self._format_chosen, choose))
            return
        # The last step is never gone back to, so it is not kept.
        agreement = AgreementScreen(group.fmt)
        self._ask(agreement, partial(self._agreed, choose, group, choice), keep=False)

    def _agreed(
        self, choose: ChooseFormatScreen, group: GroupScreen, choice: GroupChoice, agreed: Agreed | None
    ) -> None:
        if agreed is None:  # Back: the group as it was left
            self._ask(group, partial(self._group_chosen, choose, group))
            return
        self._drop(choose, group)
        self.start_session(group.fmt, choice, agreed.text, projected=agreed.projected)

    # -- a meeting of a group: who is here, report back, format, presenter, agreement -----

    def start_meeting(self, group_id: str) -> None:
        """Start setting up a meeting of a group (the groups screen's Enter). Its earlier
        meetings are read off the UI thread; then the steps follow."""
        group = self.groups.get(group_id)
        if group is None:
            return
        today = self.clock.now().date()

        def work() -> None:
            from peercircle.sessions.groups.meetings import plan
            from peercircle.sessions.records.summary import summarise
            from peercircle.sessions.storage.store import StoreError

            def read(session_id: str) -> SessionSummary | None:
                try:
                    return summarise(self.store.load(session_id))
                except (StoreError, OSError, ValueError):
                    return None  # purged or damaged: the plan goes on without it

            try:
                made = plan(group, read, self.groups.ticks(), today)
            except Exception as exc:  # noqa: BLE001 - told to the user, the app carries on
                self.call_from_thread(
                    self.notify,
                    f"The group's meetings could not be read: {_unexpected(exc)}",
                    severity="error",
                )
                return
            self.call_from_thread(self._meeting_planned, made)

        self.run_worker(work, thread=True, exit_on_error=False, name="plan-meeting", group="plan-meeting")

    def _meeting_planned(self, made: MeetingPlan) -> None:
        from peercircle.tui.screens.meeting_start import AttendanceScreen

        self._ask(AttendanceScreen(made), partial(self._attended, made), keep=False)

    def _attended(self, made: MeetingPlan, attendance: Attendance | None) -> None:
        from peercircle.sessions.groups.tracking import to_report_back
        from peercircle.tui.screens.meeting_start import ReportBackScreen

        if attendance is None:
            return
        if not made.open_actions:
            self._meeting_format(made, attendance, ())
            return
        items = [to_report_back(a) for a in made.open_actions]

        def heard(report: tuple[ReportBack, ...] | None) -> None:
            if report is None:  # Back: who is here, as it was
                self._meeting_planned(made)
                return
            self._meeting_format(made, attendance, report)

        self._ask(ReportBackScreen(made, items), heard, keep=False)

    def _meeting_format(
        self, made: MeetingPlan, attendance: Attendance, report: tuple[ReportBack, ...]
    ) -> None:
        from peercircle.tui.screens.choose_format import ChooseFormatScreen

        group = made.group
        choose = ChooseFormatScreen(
            preselect=group.format_id or None,
            title=f"{group.name} · meeting {made.number} · format (the usual one is highlighted; Enter)",
        )

        def chosen(fmt: Format | None) -> None:
            if fmt is None:
                self._attended(made, attendance)
                return
            self._meeting_people(made, attendance, report, fmt)

        self._ask(choose, chosen, keep=False)

    def _meeting_people(
        self, made: MeetingPlan, attendance: Attendance, report: tuple[ReportBack, ...], fmt: Format
    ) -> None:
        from peercircle.tui.screens.agreement import AgreementScreen
        from peercircle.tui.screens.group import GroupScreen

        # One presenter is suggested, for a cycling format too: the facilitator ticks more.
        suggestion = made.suggestion(attendance.present, 1 if fmt.needs_presenter else 0, fmt.roles)
        people = GroupScreen(
            fmt,
            names=(*attendance.present, *attendance.guests),
            suggested=suggestion.presenters[:1],
            roles=suggestion.roles,
            title=f"{made.group.name} · meeting {made.number} · {fmt.name} · who presents",
        )

        def grouped(choice: GroupChoice | None) -> None:
            if choice is None:
                self._meeting_format(made, attendance, report)
                return
            today = self.clock.now().date()
            agreement = AgreementScreen(fmt, group=made.group, today=today)

            def agreed(answer: Agreed | None) -> None:
                if answer is None:
                    self._ask(people, grouped, keep=False)
                    return
                self._begin_meeting(made, attendance, report, fmt, choice, answer)

            self._ask(agreement, agreed, keep=False)

        self._ask(people, grouped, keep=False)

    def _begin_meeting(
        self,
        made: MeetingPlan,
        attendance: Attendance,
        report: tuple[ReportBack, ...],
        fmt: Format,
        choice: GroupChoice,
        agreed: Agreed,
    ) -> None:
        from peercircle.sessions.groups.meetings import meeting
        from peercircle.sessions.groups.store import GroupStoreError

        here = set(choice.people)
        present = tuple(m for m in attendance.present if m in here)
        guests = tuple(p for p in choice.people if p not in made.group.members)
        roles = {role: name for role, name in choice.roles.items() if name in here}
        record = meeting(made.group, present, guests, roles, report)
        session = self.start_session(fmt, choice, agreed.text, projected=agreed.projected, meeting=record)
        today = self.clock.now().date()
        try:
            group = made.group
            if agreed.edited or not group.agreed_on or group.review_due(today):
                self.groups.agree(group, agreed.text, today)
        except GroupStoreError as exc:
            self.notify(f"The group's agreement could not be saved: {exc}", severity="error", markup=False)
        self._join_group(session)

    def _join_group(self, session: Session) -> None:
        """The group a meeting belongs to lists it, with its report back's statuses. Done
        when it starts and again when it is resumed: the session is written first, so a
        kill (or a full disk) before the group heard of it is mended then."""
        from peercircle.sessions.groups.store import GroupStoreError

        record = session.meta.meeting
        if record is None:
            return
        try:
            group = self.groups.get(record.group_id)
            if group is None or session.meta.id in group.meetings:
                return
            self.groups.record_meeting(group.id, session.meta.id, record.report_back, session.meta.created)
        except GroupStoreError as exc:
            self.notify(
                f"The meeting is being recorded, but the group could not be updated: {exc}",
                severity="error",
                markup=False,
            )

    def start_session(
        self,
        fmt: Format,
        group: GroupChoice,
        agreement: str,
        *,
        projected: bool = True,
        meeting: Meeting | None = None,
    ) -> Session:
        """Begin recording a new session and show it live, above home.

        ``projected`` is the facilitator's answer to who can see this screen: True (the
        room) starts in projector view, where private notes are hidden. It defaults to
        True so that a caller who does not ask can never put private notes on the wall."""
        from peercircle.sessions.engine.session import Session
        from peercircle.tui.screens.live import LiveScreen

        session = Session.new(
            fmt,
            group.people,
            group.presenters,
            clock=self.clock,
            seed=group.seed,
            agreement=agreement,
            meeting=meeting,
        )
        self.begin_session(session)
        session.start()
        # Set before the live screen is drawn, so its very first picture is the right view.
        self.projector = projected
        self.push_screen(LiveScreen(session))
        return session

    # -- the running session -------------------------------------------------------------

    def begin_session(self, session: Session) -> None:
        """Start recording ``session`` to disk; called once the group is set."""
        from peercircle.sessions.storage.autosave import Autosaver

        self.finish_recording()
        self.autosaver = Autosaver(self.store, session).start()

    def finish_recording(self) -> bool:
        """Write everything still pending and stop the writer; True when all is on disk."""
        saver, self.autosaver = self.autosaver, None
        if saver is not None and not saver.close():
            self.unsaved.append(saver)
        self.unsaved = [s for s in self.unsaved if s.pending]
        return not self.unsaved

    def save_problem(self) -> str | None:
        """Why something typed is not on disk yet, or None when everything is."""
        savers = [s for s in (self.autosaver, *self.unsaved) if s is not None and s.pending]
        return next((s.error for s in savers if s.error), "writing is slow" if savers else None)

    async def action_quit(self) -> None:
        from peercircle.tui.screens.confirm import ConfirmScreen

        saver = self.autosaver
        if (saver is None or saver.flush(timeout=3)) and self.save_problem() is None:
            self.save_and_exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.save_and_exit()

        self.push_screen(
            ConfirmScreen(
                f"Some notes are not saved yet: {self.save_problem()} Quit anyway and lose them?",
                yes="Quit and lose them",
                no="Stay (saving keeps retrying)",
            ),
            answered,
        )

    def on_unmount(self) -> None:
        self.finish_recording()
        if self._folder.started:  # an app closed before its first frame never took the lock
            self.lock.release()
        for sig, handler in self._signal_handlers.items():
            signal.signal(sig, handler)
        self._unmounted.set()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # A screen can offer its own controls in the palette, for anyone who forgets a key.
        palette = getattr(screen, "palette_commands", None)
        if palette is not None:
            yield from palette()
