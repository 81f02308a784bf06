"""Step 1 of setting up: pick a format from the library, with a preview of its phases."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from sessions.formats import Format
from sessions.timefmt import minutes_text


def format_preview(fmt: Format, group_size: int = 6) -> str:
    """Purpose, phases with minutes, total, group size and source, as Textual markup."""
    lines = [f"[b]{fmt.name}[/b]", "", fmt.purpose or "", ""]
    for i, phase in enumerate(fmt.phases, 1):
        if phase.minutes_each is not None:
            length = f"{phase.minutes_each:g} min each"
        else:
            length = f"{phase.minutes:g} min"
        lines.append(f"{i}. {phase.name} [dim]({length}, {phase.mode.value})[/dim]")
    presenter = "one presenter" if fmt.needs_presenter else "no presenter"
    lines += [
        "",
        f"About {minutes_text(fmt.planned_seconds(group_size))} for {group_size} people · "
        f"groups of {fmt.group_min}-{fmt.group_max} · {presenter}",
        f"[dim]Source: {fmt.source or 'not given'} · timings {fmt.timings}[/dim]",
    ]
    return "\n".join(lines)


class ChooseFormatScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Static("New session · 1 of 2 · Choose a format (Enter)", classes="step-title")
        with Horizontal(id="choose"):
            formats = self.app.library.formats
            yield OptionList(
                *(Option(f.name, id=f.id) for f in formats),
                id="formats",
            )
            with VerticalScroll(id="preview-box"):
                yield Static("", id="preview")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#formats", OptionList)
        options.focus()
        if options.option_count:
            options.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        fmt = self.app.library.get(str(event.option.id))
        if fmt:
            self.query_one("#preview", Static).update(format_preview(fmt))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from tui.screens.group import GroupScreen

        fmt = self.app.library.get(str(event.option.id))
        if fmt:
            self.app.push_screen(GroupScreen(fmt))
