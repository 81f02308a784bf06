"""The end of a session (or a past one from history): timing against plan, and the notes.

What is shown is the very Markdown that Save (x) writes and Copy (c) copies, rendered by
Textual's Markdown widget, so the facilitator sees exactly what leaves the app. The line
above it says in words what that text is: the whole session or one person's learning
record, anonymised or not, with or without the private notes.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Markdown, Static

from peercircle.sessions.engine.session import Session
from peercircle.sessions.records.anonymise import Anonymiser, NamesLeftError, make_anonymiser
from peercircle.sessions.records.export import export_filename, render_learning_record, render_markdown
from peercircle.sessions.records.summary import SessionSummary, summarise
from peercircle.tui.base import PeerCircleScreen
from peercircle.tui.clipboard import copy_text
from peercircle.tui.records import save_record
from peercircle.tui.screens.record_options import WHOLE_SESSION, NameChoices, NamesScreen, PersonScreen


class SummaryScreen(PeerCircleScreen[None]):
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    #summary-scroll { padding: 0 1; }
    #save-problem { color: $error; text-style: bold; padding: 0 1; }
    /* What leaves the app is said in words above the preview, not only in colour. */
    #record-options { height: auto; padding: 0 1; background: $boost; }
    #front-matter {
        border: round $panel;
        border-title-color: $text-muted;
        color: $text-muted;
        padding: 0 1;
        margin: 1 1 0 1;
    }
    """

    BINDINGS = [
        Binding("x", "export", "Save"),
        Binding("c", "copy", "Copy"),
        Binding("a", "anonymise", "Anonymise"),
        Binding("n", "names", "Names", show=False),
        Binding("l", "learning_record", "Learning record"),
        Binding("p", "private", "Private"),
        Binding("v", "projector", "Projector view", show=False),
        Binding("escape,h", "home", "Back"),
    ]

    def __init__(self, session: Session, read_only: bool = False) -> None:
        super().__init__()
        self.session = session
        self.read_only = read_only
        self.summary: SessionSummary = summarise(session)
        self.anonymise = False
        self.include_private = False
        self.person: str | None = None
        """Whose learning record is shown; None for the whole session."""
        self.pseudonyms: dict[str, str] = {}
        self.extra: tuple[str, ...] = ()
        self.not_made: str | None = None
        """Why the record for the current choices was not made (a name would have stayed)."""
        self.markdown = self.render_record()

    # -- what leaves the app -------------------------------------------------------------

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.summary.roster))

    def anonymiser(self) -> Anonymiser:
        return make_anonymiser(self.people, self.pseudonyms, self.extra)

    def render_record(self) -> str:
        """The exact text Save writes and Copy copies, for the current choices."""
        anonymiser = self.anonymiser() if self.anonymise else None
        self.not_made = None
        try:
            if self.person is not None:
                return render_learning_record(self.summary, self.person, anonymiser=anonymiser)
            return render_markdown(self.summary, include_private=self.include_private, anonymiser=anonymiser)
        except NamesLeftError as exc:
            # Nothing that still names someone is shown, saved or copied.
            self.not_made = f"The anonymised record was not made: {exc}."
            return f"# Not made\n\n{self.not_made}\n"

    def filename(self) -> str:
        anonymiser = self.anonymiser() if self.anonymise else None
        return export_filename(
            self.summary,
            anonymised=self.anonymise,
            person=self.person,
            anonymiser=anonymiser,
            include_private=self.include_private,
        )

    def shown_name(self, person: str) -> str:
        return self.anonymiser().name(person) if self.anonymise else person

    # -- the screen ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = "Past session (read-only)" if self.read_only else "Session summary"
        yield Static(f"{title} · the preview is exactly what x saves and c copies", classes="step-title")
        problem = self.app.save_problem()
        if problem and not self.read_only:
            yield Static(
                f"⚠ Not all notes are on disk yet: {problem} Export (x) keeps a copy.", id="save-problem"
            )
        yield Static("", id="record-options")
        front, body = split_front_matter(self.markdown)
        with VerticalScroll(id="summary-scroll"):
            yield Markdown(body, id="summary")
            # Shown last so the record itself comes first; the file starts with it.
            yield Static(front, id="front-matter", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._describe()
        front = self.query_one("#front-matter", Static)
        front.border_title = "Front matter: at the top of the file, for Obsidian and Logseq"
        front.display = bool(split_front_matter(self.markdown)[0])
        self.query_one("#summary-scroll").focus()

    def options_text(self) -> Content:
        """What the preview holds, said in words (not only colour), one part per choice."""
        if self.person is None:
            record = ("Whole session (l)", "")
        else:
            record = (f"Learning record: {self.shown_name(self.person)} (l)", "bold $accent")
        if self.anonymise:
            others = len(self.extra)
            hidden = f", {others} other name{'s' if others != 1 else ''}" if others else ""
            anon = (f"ANONYMISED: {len(self.people)} people{hidden} (a: off, n: names)", "bold $success")
        else:
            anon = ("Anonymise: off (a)", "")
        if self.person is not None:
            private = ("Private notes: never in a learning record", "$text-muted")
        elif self.include_private:
            private = ("⚠ PRIVATE NOTES INCLUDED (p)", "bold reverse $error")
        else:
            private = ("Private notes: left out (p)", "")
        gap = ("  ·  ", "$text-muted")
        return Content.assemble(record, gap, anon, gap, private)

    def _describe(self) -> None:
        self.query_one("#record-options", Static).update(self.options_text())

    def _rerender(self) -> None:
        self.markdown = self.render_record()
        front, body = split_front_matter(self.markdown)
        self.query_one("#front-matter", Static).update(front)
        self.query_one("#front-matter").display = bool(front)
        self.query_one("#summary", Markdown).update(body)
        self.query_one("#summary-scroll").scroll_home(animate=False)  # a new text: from its top
        self._describe()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "private" and self.person is not None:
            return None  # shown, dimmed: a learning record never holds private notes
        return True

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Save what the preview shows to a Markdown file", "Summary · key x", self.action_export
        )
        yield SystemCommand(
            "Copy what the preview shows to the clipboard", "Summary · key c", self.action_copy
        )
        yield SystemCommand(
            "Anonymise: pseudonyms instead of names (on or off)", "Summary · key a", self.action_anonymise
        )
        yield SystemCommand("Pseudonyms and other names to hide", "Summary · key n", self.action_names)
        yield SystemCommand(
            "Learning record for one person (or the whole session)",
            "Summary · key l",
            self.action_learning_record,
        )
        yield SystemCommand(
            "Include the facilitator's private notes (on or off)", "Summary · key p", self.action_private
        )
        yield SystemCommand("Projector view on or off", "Summary · key v", self.action_projector)
        yield SystemCommand("Back", "Summary · key escape", self.action_home)

    # -- choices -------------------------------------------------------------------------

    def action_anonymise(self) -> None:
        self.anonymise = not self.anonymise
        self._rerender()
        if self.anonymise:
            self.notify("Names are replaced in the preview, and so in what you save or copy. n edits them.")

    def action_names(self) -> None:
        def chosen(choices: NameChoices | None) -> None:
            if choices is None:
                return
            self.pseudonyms, self.extra = choices.pseudonyms, choices.extra
            self.anonymise = True
            self._rerender()
            self.notify("Anonymised with your pseudonyms; check the preview before it leaves the app.")

        mapping = self.anonymiser().mapping
        self.app.push_screen(NamesScreen(self.people, mapping, self.extra), chosen)

    def action_learning_record(self) -> None:
        def chosen(person: str | None) -> None:
            if person is None:
                return
            self.person = None if person == WHOLE_SESSION else person
            self._rerender()

        shown = {p: self.shown_name(p) for p in self.people}
        self.app.push_screen(PersonScreen(self.people, shown, self.person), chosen)

    def action_private(self) -> None:
        if self.person is not None:
            return
        if not self.include_private and self.app.projector:
            self.notify(
                "Projector view is on, so private notes stay off the screen. Turn it off with v first.",
                title="Private notes",
                severity="warning",
            )
            return
        self.include_private = not self.include_private
        self._rerender()
        if self.include_private:
            self.notify(
                "The facilitator's private notes are now in the preview, and in what you save or copy.",
                title="Private notes included",
                severity="warning",
            )

    def action_projector(self) -> None:
        self.app.projector = not self.app.projector
        if self.app.projector and self.include_private:
            self.include_private = False
            self._rerender()
        self.notify(
            f"Projector view {'on: private notes stay off the screen' if self.app.projector else 'off'}."
        )

    # -- leaving the app -----------------------------------------------------------------

    def what(self) -> str:
        kind = "learning record" if self.person is not None else "summary"
        return f"the anonymised {kind}" if self.anonymise else f"the {kind}"

    def action_export(self) -> None:
        if self.not_made:
            self.notify(self.not_made, severity="error")
            return
        save_record(self.app, self.filename(), self.markdown, what=f"Saved {self.what()}")

    def action_copy(self) -> None:
        if self.not_made:
            self.notify(self.not_made, severity="error")
            return
        copy_text(self.app, self.markdown, what=self.what())

    def action_home(self) -> None:
        self.app.pop_screen()


def split_front_matter(markdown: str) -> tuple[str, str]:
    """(the YAML front matter with its --- lines, the rest). The preview shows the front
    matter as the plain text it is: Markdown would render it as rules and paragraphs."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 3)
        if end >= 0:
            return markdown[: end + 4], markdown[end + 5 :]
    return "", markdown
