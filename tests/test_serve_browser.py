"""`peercircle serve` in a real browser: headless Chromium (Debian's package; .ci/run
installs it) driven by Playwright, against the command in a subprocess, while a writer runs
a session in the same data folder as the facilitator's app would.

The page's terminal is xterm.js drawing on a canvas, so its text is read from the terminal
object: a script run before the page's own catches the object as textual-serve's page
stores it (``this.terminal = new Terminal(...)``) and reads the rows of its buffer. Large
words (the phase, the countdown, the speaker) are drawn in peercircle's block font; they
are found by drawing the expected words in that font at every size and looking for them.
"""

from __future__ import annotations

import hashlib
import math
import os
import select
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from peercircle.sessions.engine.timefmt import countdown_text
from peercircle.tui.widgets.block_font import draw, drawable, scales
from tests.live_writer import LiveWriter
from tests.serving import Served, start_serving

CHROMIUM = "/usr/bin/chromium"
WAIT_MS = 20_000
"""How long the page may take to show something: generous, for a loaded CI machine; a
passing test waits only as long as the mirror takes."""

CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {
  configurable: true,
  set(value) {
    Object.defineProperty(this, 'terminal', {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && value.buffer.active) window.__terminal = value;
  },
});
window.__screen = () => {
  const t = window.__terminal;
  if (!t) return [];
  const b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    rows.push(line ? line.translateToString(true) : '');
  }
  return rows;
};
// Whether any of the ways (each a block of rows, one above the other, left-aligned) is on the screen.
window.__shows = (ways, rows = window.__screen()) => {
  return ways.some(way => {
    for (let top = 0; top + way.length <= rows.length; top++) {
      for (let col = rows[top].indexOf(way[0]); col >= 0; col = rows[top].indexOf(way[0], col + 1)) {
        if (way.every((row, i) => rows[top + i].startsWith(row, col))) return true;
      }
    }
    return false;
  });
};
"""


def ways_of(words: str, plain: bool = True) -> list[list[str]]:
    """The ways ``words`` can be on the screen: as they are, and drawn in the block font
    at each size the mirror may choose."""
    ways = [[words]] if plain else []
    if drawable(words):
        ways += [draw(words, scale) for scale in scales(40)]
    return ways


def screen_of(page: Page) -> str:
    return "\n".join(page.evaluate("window.__screen()"))


def wait_until_shown(page: Page, *words: str) -> None:
    """Wait until the page shows every one of ``words``, as text or drawn large."""
    try:
        page.wait_for_function(
            "groups => groups.every(ways => window.__shows(ways))",
            arg=[ways_of(w) for w in words],
            timeout=WAIT_MS,
        )
    except PlaywrightTimeout:
        raise AssertionError(f"the page never showed {words}; it shows:\n{screen_of(page)}") from None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveWriter, Served]]:
    """A session running in a data folder, and `peercircle serve` on it."""
    data_dir = tmp_path_factory.mktemp("served") / "data"
    writer = LiveWriter.start(data_dir)
    served = start_serving(data_dir)
    yield writer, served
    served.stop()
    writer.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 600})
    context.add_init_script(CATCH_TERMINAL)
    yield context.new_page()
    context.close()


def folder_state(data_dir: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes."""
    return {
        str(path.relative_to(data_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(data_dir.rglob("*"))
        if path.is_file()
    }


def test_the_page_shows_the_live_phase_speaker_and_countdown(
    live: tuple[LiveWriter, Served], page: Page
) -> None:
    writer, served = live
    view = writer.session.view()
    page.goto(served.url)
    wait_until_shown(page, view.phase.name, view.speaker or "", "Phase 1 of 7", "read-only")
    # The countdown, drawn large, as it stood at some moment between opening the page and
    # reading it: no more than what remained at the first, no less than at the second.
    screen = page.evaluate("window.__screen()")
    remaining = writer.session.view().remaining
    candidates = [countdown_text(s) for s in range(math.floor(remaining), math.ceil(view.remaining) + 1)]
    found = page.evaluate(
        "([groups, rows]) => groups.map(ways => window.__shows(ways, rows))",
        [[ways_of(text, plain=False) for text in candidates], screen],
    )
    assert any(found), f"no countdown {candidates[0]}..{candidates[-1]} on the page:\n" + "\n".join(screen)


def test_a_next_speaker_written_by_the_facilitator_appears_in_the_page(
    live: tuple[LiveWriter, Served], page: Page
) -> None:
    writer, served = live
    page.goto(served.url)
    wait_until_shown(page, writer.session.view().speaker or "")
    if writer.session.view().phase_index == 0:
        writer.do(lambda s: s.next_phase())  # into the first phase that goes round the group
    before = writer.session.view()
    wait_until_shown(page, before.phase.name, before.speaker or "")
    writer.do(lambda s: s.next_speaker())
    after = writer.session.view()
    assert after.speaker != before.speaker
    wait_until_shown(page, after.speaker or "")


def test_typing_in_the_page_changes_nothing(live: tuple[LiveWriter, Served], page: Page) -> None:
    writer, served = live
    data_dir = writer.store.data_dir
    page.goto(served.url)
    wait_until_shown(page, writer.session.view().speaker or "")
    with writer.beats_paused():
        before = folder_state(data_dir)
        page.locator(".xterm-screen").click()
        # The facilitator's controls, and words as if typing notes.
        for key in (
            "n",
            "f",
            " ",
            "e",
            "y",
            "p",
            "u",
            "+",
            "1",
            "Enter",
            "Control+n",
            "Control+f",
            "F10",
            "Escape",
        ):
            page.keyboard.press(key)
        page.keyboard.type("a note typed into the mirror")
        assert "a note typed" not in screen_of(page)
        # Keys reach the mirror in order, through one websocket and one pipe: once the
        # last one (ctrl+q, close the mirror) has closed it, every key before it was handled.
        page.keyboard.press("Control+q")
        page.wait_for_selector("body.-closed", timeout=WAIT_MS)
        after = folder_state(data_dir)
    assert after == before


def test_a_visitor_without_the_key_is_refused(live: tuple[LiveWriter, Served], page: Page) -> None:
    _, served = live
    for address in (served.origin + "/", served.origin + "/" + "x" * len(served.token) + "/"):
        response = page.goto(address)
        assert response is not None and response.status == 403
        assert "Not without the key" in page.content()
        assert "Aisha" not in page.content()
    # Nor can a page opened without the key reach the mirror's websocket itself.
    outcome = page.evaluate(
        """url => new Promise(done => {
            const socket = new WebSocket(url);
            socket.onopen = () => done('open');
            socket.onclose = () => done('closed');
        })""",
        served.origin.replace("http", "ws", 1) + "/ws",
    )
    assert outcome == "closed"


def mirror_processes(data_dir: Path) -> set[int]:
    """The mirror processes running on ``data_dir`` (from /proc: Linux, as CI is)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"mirror" in args and os.fsencode(data_dir.resolve()) in args:
            found.add(int(entry.name))
    return found


def test_each_visitor_has_a_mirror_of_their_own_and_ctrl_c_stops_them_all(
    tmp_path: Path, browser: Browser
) -> None:
    data_dir = tmp_path / "data"
    writer = LiveWriter.start(data_dir)
    served = start_serving(data_dir)
    pages: list[Page] = []
    try:
        for _ in range(2):
            context = browser.new_context(viewport={"width": 800, "height": 500})
            context.add_init_script(CATCH_TERMINAL)
            visitor = context.new_page()
            visitor.goto(served.url)
            wait_until_shown(visitor, writer.session.view().speaker or "")
            pages.append(visitor)
        assert len(mirror_processes(data_dir)) == 2
        assert served.stop() == 0
        assert mirror_processes(data_dir) == set()
        assert "".join(served.err) == ""  # no warning, no traceback
        for visitor in pages:
            visitor.wait_for_selector("body.-closed", timeout=WAIT_MS)  # the page says the session ended
    finally:
        served.stop()
        writer.stop()
        for visitor in pages:
            visitor.context.close()


def test_no_mirror_outlives_a_server_that_was_killed(tmp_path: Path, page: Page) -> None:
    data_dir = tmp_path / "data"
    writer = LiveWriter.start(data_dir)
    served = start_serving(data_dir)
    try:
        page.goto(served.url)
        wait_until_shown(page, writer.session.view().speaker or "")
        (mirror,) = mirror_processes(data_dir)
        served.process.kill()  # no Ctrl+C: nothing of the server runs to stop its mirror
        served.process.wait()
        page.wait_for_selector("body.-closed", timeout=WAIT_MS)
        assert wait_for_exit(mirror)
    finally:
        served.stop()
        writer.stop()
        for left in mirror_processes(data_dir):  # when the test fails: none left behind
            os.kill(left, signal.SIGKILL)


def wait_for_exit(pid: int, seconds: float = WAIT_MS / 1000) -> bool:
    """Whether process ``pid`` (not a child of this one) ended within ``seconds``: a pidfd
    turns readable when it does (Linux 5.3 and later)."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([handle], [], [], seconds)
        return bool(readable)
    finally:
        os.close(handle)
