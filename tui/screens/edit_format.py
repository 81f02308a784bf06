"""Copy and edit: adapt a format (say a 90-minute one to a 60-minute slot) and keep it.

The copy is saved as an ordinary format file in the user formats folder, so it can be
edited further by hand, checked with ``peercircle formats check`` and shared.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Footer, Input, Static

from peercircle.sessions.files import atomic_write_text, ensure_private_dir
from peercircle.sessions.library.format_file import (
    MAX_GROUP,
    MAX_MINUTES,
    FormatError,
    minutes_value,
    parse_format,
    render_format,
    slug,
)
from peercircle.sessions.library.formats import Format, Phase
from peercircle.sessions.storage.layout import DataFolder
from peercircle.tui.base import PeerCircleScreen


def free_path(folder: Path, name: str, taken_ids: set[str]) -> Path:
    """A file for ``name`` that overwrites nothing and whose id no other format has."""
    stem = slug(name)
    path = folder / f"{stem}.md"
    number = 2
    while path.exists() or path.stem in taken_ids:
        path = folder / f"{stem}-{number}.md"
        number += 1
    return path


class EditFormatScreen(PeerCircleScreen[str | None]):
    """Dismisses with the new format's id once saved, or None."""

    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    #edit-format { padding: 0 1; height: 1fr; }
    .edit-row { height: auto; margin-bottom: 1; }
    .edit-phase { margin-bottom: 0; }
    .edit-label { width: 12; }
    .edit-unit { width: 9; padding: 0 1; color: $text-muted; }
    #edit-name { width: 1fr; }
    #edit-people { width: 6; }
    #edit-columns { color: $text-muted; }
    #edit-total { text-style: bold; color: $accent; padding: 0 1; height: auto; }
    EditFormatScreen.-invalid #edit-total { color: $error; }
    .edit-phase Checkbox { width: 6; }
    .edit-phase Input { width: 1fr; }
    .edit-phase .edit-minutes { width: 7; margin-left: 1; }
    #edit-error { color: $error; text-style: bold; padding: 0 1; height: auto; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save my version"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, fmt: Format) -> None:
        super().__init__()
        self.fmt = fmt
        self.people = fmt.total_group or max(fmt.group_min, min(6, fmt.group_max))

    def compose(self) -> ComposeResult:
        yield Static(f"Copy and edit · {self.fmt.name}", classes="step-title", markup=False)
        with VerticalScroll(id="edit-format"):
            yield Static(
                "Change the name, the minutes or the phases, then ctrl+s saves your version beside "
                "the built-in one. Untick a phase to leave it out.",
                classes="hint",
            )
            with Horizontal(classes="edit-row"):
                yield Static("Name", classes="edit-label")
                yield Input(f"{self.fmt.name} (our version)", id="edit-name", max_length=80, compact=True)
            with Horizontal(classes="edit-row"):
                yield Static("Total for", classes="edit-label")
                yield Input(str(self.people), id="edit-people", type="integer", max_length=2, compact=True)
                yield Static("people", classes="edit-unit")
            yield Static("Keep  Phase name", id="edit-columns")
            for index, phase in enumerate(self.fmt.phases):
                minutes = phase.minutes_each if phase.minutes_each is not None else phase.minutes
                with Horizontal(classes="edit-row edit-phase"):
                    yield Checkbox("", value=True, id=f"keep-{index}", compact=True)
                    yield Input(phase.name, id=f"name-{index}", max_length=60, compact=True)
                    yield Input(
                        f"{minutes:g}",
                        id=f"minutes-{index}",
                        classes="edit-minutes",
                        max_length=5,
                        compact=True,
                    )
                    yield Static("min each" if phase.minutes_each is not None else "min", classes="edit-unit")
        # Docked below the list, so the new total stays in sight while any phase is edited.
        yield Static("", id="edit-total")
        yield Static("", id="edit-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#edit-name", Input).focus()
        self._update_total()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update_total()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._update_total()

    def _people(self) -> int:
        value = self.query_one("#edit-people", Input).value.strip()
        return int(value) if value.isdigit() and 2 <= int(value) <= MAX_GROUP else self.people

    def build(self) -> tuple[Format | None, str]:
        """The edited format, or None and what is wrong with it."""
        name = " ".join(self.query_one("#edit-name", Input).value.split())
        if not name:
            return None, "Give your version a name."
        phases: list[Phase] = []
        seen: set[str] = set()
        for index, phase in enumerate(self.fmt.phases):
            if not self.query_one(f"#keep-{index}", Checkbox).value:
                continue
            phase_name = " ".join(self.query_one(f"#name-{index}", Input).value.split())
            if not phase_name:
                return None, f"Phase {index + 1} needs a name."
            if phase_name.casefold() in seen:
                return None, f"Two phases are called '{phase_name}'; give each its own name."
            seen.add(phase_name.casefold())
            minutes = minutes_value(self.query_one(f"#minutes-{index}", Input).value)
            if minutes is None:
                return None, f"The minutes for '{phase_name}' must be a number from 1 to {MAX_MINUTES}."
            if phase.minutes_each is not None:
                phases.append(replace(phase, name=phase_name, minutes_each=minutes))
            else:
                phases.append(replace(phase, name=phase_name, minutes=minutes))
        if not phases:
            return None, "Keep at least one phase."
        source = self.fmt.source
        if self.fmt.origin == "built-in":
            source = f"adapted from {self.fmt.name}: {self.fmt.source}" if source else f"adapted from {name}"
        fmt = replace(
            self.fmt,
            name=name,
            phases=tuple(phases),
            origin="user",
            source=source,
            timings="suggested",
            total_group=self._people(),
        )
        return fmt, ""

    def _update_total(self) -> None:
        fmt, problem = self.build()
        original = self.fmt.planned_seconds(self._people(), presenters=1) / 60
        each = " per presenter" if self.fmt.cycle_per_presenter else ""
        if fmt is None:
            text = f"⚠ {problem}"
        else:
            total = fmt.planned_seconds(self._people(), presenters=1) / 60
            change = total - original
            moved = f" ({'+' if change > 0 else '−'}{abs(change):g})" if change else ""
            text = (
                f"Total: {total:g} min{each} for {self._people()} people{moved} · "
                f"the original is {original:g} min"
            )
        self.query_one("#edit-total", Static).update(Text(text))
        self.set_class(fmt is None, "-invalid")

    def action_save(self) -> None:
        fmt, problem = self.build()
        error = self.query_one("#edit-error", Static)
        if fmt is None:
            error.update(Text(f"⚠ {problem}"))
            return
        if self.app.read_only:
            error.update("⚠ This window is read-only (another peercircle has the data folder).")
            return
        folder = DataFolder(self.app.data_dir).formats
        library = self.app.library
        if any(other.name.casefold() == fmt.name.casefold() for other in library.formats):
            error.update(Text(f"⚠ There is already a format called '{fmt.name}'; choose another name."))
            return
        try:
            ensure_private_dir(folder)
            path = free_path(folder, fmt.name, {f.id for f in library.formats})
            text = render_format(replace(fmt, id=path.stem))
            saved = parse_format(text, str(path), "user", self.app.deck_cards())
            atomic_write_text(path, text)
        except FormatError as exc:  # our own file must read back; say so rather than save junk
            error.update(Text(f"⚠ Could not write a valid file: {exc}"))
            return
        except OSError as exc:
            error.update(Text(f"⚠ Could not save in {folder}: {exc.strerror or exc}"))
            return
        self.app.reload_library()
        self.notify(f"Saved '{saved.name}' in {path}", timeout=6, markup=False)
        self.dismiss(saved.id)
