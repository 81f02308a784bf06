"""Step 1 of setting up: pick a format from the library, with a preview of its phases.

The screen answers with the chosen format (None: Back); the app decides what comes next.

The facilitator's own formats are listed after the built-in ones; a file that cannot be
used is listed too, greyed out, with its first problem, so a typo never hides a format.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from peercircle.sessions.engine.timefmt import minutes_text
from peercircle.sessions.library.format_file import FormatError
from peercircle.sessions.library.formats import Format
from peercircle.tui.base import PeerCircleScreen

INVALID_PREFIX = "invalid:"


def format_preview(fmt: Format, group_size: int | None = None) -> Text:
    """Purpose, phases with minutes, total, group size, roles and source."""
    people = group_size or fmt.total_group or max(fmt.group_min, min(6, fmt.group_max))
    members = people - 1 if fmt.needs_presenter else people
    text = Text()
    text.append(fmt.name, style="bold")
    if fmt.origin != "built-in":
        text.append("  (your format)", style="dim")
    text.append("\n\n")
    if fmt.purpose:
        text.append(fmt.purpose + "\n\n")
    for i, phase in enumerate(fmt.phases, 1):
        if phase.minutes_each is not None:
            length = f"{phase.minutes_each:g} min each = {phase.planned_seconds(members) / 60:g}"
        else:
            length = f"{phase.minutes:g} min"
        text.append(f"{i}. {phase.name}")
        text.append(f"  {length} · {phase.mode.value}", style="dim")
        if phase.deck:
            card = f": {phase.card}" if phase.card else ""
            text.append(f" · card {phase.deck}{card}", style="dim")
        text.append("\n")
    presenter = "one presenter" if fmt.needs_presenter else "no presenter"
    each = " per presenter" if fmt.cycle_per_presenter else ""
    text.append(
        f"\nTotal {minutes_text(fmt.planned_seconds(people, presenters=1))}{each} for {people} people"
        f" · suits {fmt.group_min}-{fmt.group_max} · {presenter}\n",
        style="bold",
    )
    if fmt.roles:
        text.append(f"Roles: {', '.join(fmt.roles)}\n")
    timings = "published timings" if fmt.timings == "published" else "suggested timings (adjust freely)"
    text.append(f"Source: {fmt.source or 'not given'} · {timings}", style="dim")
    if fmt.origin != "built-in" and fmt.path:
        text.append(f"\nFile: {fmt.path}", style="dim")
    return text


def problem_preview(error: FormatError) -> Text:
    text = Text()
    text.append(f"{Path(error.path).name} cannot be used yet\n\n", style="bold")
    for problem in error.problems[:12]:
        text.append(f"line {problem.line}: {problem.message}\n")
    text.append(
        f"\nFix the file in a text editor, then press r to read it again. "
        f"'peercircle formats check {Path(error.path).name}' explains it outside the app; "
        f"'peercircle formats list' shows the folder.",
        style="dim",
    )
    return text


class ChooseFormatScreen(PeerCircleScreen[Format | None]):
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    #choose { height: 1fr; }
    #formats { width: 34; height: 1fr; }
    #preview-box { padding: 0 2; }
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("e", "copy_and_edit", "Copy and edit"),
        Binding("r", "reload", "Read files again"),
    ]

    def __init__(self, preselect: str | None = None, title: str | None = None) -> None:
        super().__init__()
        self.preselect = preselect
        """The format highlighted first (a group's usual one)."""
        self.title_text = title or "New session · 1 of 3 · Choose a format (Enter)"

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title_text), classes="step-title")
        with Horizontal(id="choose"):
            yield OptionList(id="formats")
            with VerticalScroll(id="preview-box"):
                yield Static("", id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self._fill(highlight=self.preselect)
        self.query_one("#formats", OptionList).focus()

    def _fill(self, highlight: str | None = None) -> None:
        library = self.app.library
        options = self.query_one("#formats", OptionList)
        previous = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        built_in = sorted(
            (f for f in library.formats if f.origin == "built-in"), key=lambda f: f.name.casefold()
        )
        items: list[Option | None] = [Option(f.name, id=f.id) for f in built_in]
        own = [f for f in library.formats if f.origin != "built-in"]
        if own or library.errors:
            items.append(None)
        items += [Option(Text(f"★ {f.name}"), id=f.id) for f in own]
        items += [
            Option(Text(f"⚠ {Path(e.path).name} (invalid)", style="dim"), id=f"{INVALID_PREFIX}{i}")
            for i, e in enumerate(library.errors)
        ]
        options.add_options(items)
        wanted = highlight or previous
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index(wanted) if wanted in ids else (0 if ids else None)

    def _error(self, option_id: str) -> FormatError | None:
        if not option_id.startswith(INVALID_PREFIX):
            return None
        index = int(option_id.removeprefix(INVALID_PREFIX))
        errors = self.app.library.errors
        return errors[index] if index < len(errors) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        option_id = str(event.option.id)
        preview = self.query_one("#preview", Static)
        error = self._error(option_id)
        if error is not None:
            preview.update(problem_preview(error))
            return
        fmt = self.app.library.get(option_id)
        if fmt:
            preview.update(format_preview(fmt))
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        error = self._error(str(event.option.id))
        if error is not None:
            self.notify(f"{error}. Fix the file, then press r.", severity="warning", timeout=6, markup=False)
            return
        fmt = self.app.library.get(str(event.option.id))
        if fmt:
            self.answer(fmt)

    def _highlighted(self) -> Format | None:
        option = self.query_one("#formats", OptionList).highlighted_option
        return self.app.library.get(str(option.id)) if option else None

    def action_copy_and_edit(self) -> None:
        from peercircle.tui.screens.edit_format import EditFormatScreen

        fmt = self._highlighted()
        if fmt is None:
            self.notify("Highlight a format that works to copy it.", severity="warning")
            return

        def saved(new_id: str | None) -> None:
            if new_id:
                self._fill(highlight=new_id)

        self.app.push_screen(EditFormatScreen(fmt), saved)

    def action_reload(self) -> None:
        library = self.app.reload_library()
        self._fill()
        own = sum(1 for f in library.formats if f.origin != "built-in")
        self.notify(
            f"Read the formats again: {own} of yours, {len(library.errors)} with problems.", timeout=3
        )
