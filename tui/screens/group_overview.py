"""A group over time: who came, who presented when, who spoke how much, the balance of
Proctor's functions, the formats used, and the actions opened and closed.

Everything shown comes from one reading, ``overview()`` (the group report reads the same),
made in a worker thread from the meetings' own records: a group of a year is a dozen files.
Charts sit beside their numbers, so the room can look and the facilitator can read. At a
projector's width the panels stand in two columns, so a whole year fits on the wall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from peercircle.sessions.groups.overview import GroupOverview, MeetingLine, overview
from peercircle.sessions.records.export import PROCTOR
from peercircle.sessions.records.summary import SessionSummary, airtime_shares
from peercircle.tui.base import PeerCircleScreen
from peercircle.tui.widgets import charts

WIDE = 150
"""Columns from which the panels stand side by side (a projector's terminal is 160-200)."""
MAX_NAME = 16
"""A name column wider than this would push the charts off a laptop's screen."""
Style = str
Part = tuple[str, Style] | str


def short_date(iso: str) -> str:
    """'2026-08-03' -> '3 Aug' (the year is in the meetings panel, once)."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso[:10] or "?"
    return f"{day.day} {day:%b}"


def long_date(iso: str) -> str:
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso[:10] or "date unknown"
    return f"{day:%a} {day.day} {day:%b %Y}"


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: cut with an ellipsis, or padded."""
    if len(text) > width:
        text = text[: max(0, width - 1)] + "…"
    return text.ljust(width)


def session_reader(app) -> Callable[[str], SessionSummary | None]:
    """Read a meeting's summary from the app's store; None when its record is gone or damaged
    (the overview says so rather than failing)."""
    from peercircle.sessions.records.summary import summarise
    from peercircle.sessions.storage.store import StoreError

    store, clock = app.store, app.clock

    def read(session_id: str) -> SessionSummary | None:
        try:
            return summarise(store.load(session_id, clock=clock))
        except (StoreError, OSError, ValueError):
            return None

    return read


def line(*parts: Part) -> Content:
    """One line of a panel; text is never read as markup (names may hold '[')."""
    return Content.assemble(*parts)


class Layout:
    """How many cells the panels have, and so how wide each chart is drawn."""

    def __init__(self, width: int, people: Sequence[str], meetings: int) -> None:
        self.wide = width >= WIDE
        # Half the screen in two columns; less a border, padding and a scrollbar.
        self.inner = max(40, (width // 2 if self.wide else width) - 8)
        self.name = min(MAX_NAME, max((len(p) for p in people), default=4) + 1)
        tail = 24 if self.wide else 16
        # Per-meeting cells: "3 Aug " under which "■" or "▃ 58%" fits, when a year fits;
        # else three cells a meeting, numbered. The latest meetings are kept if even that
        # does not fit (the meetings panel lists them all).
        room = self.inner - self.name - 2 - tail
        self.cell = 7 if meetings * 7 <= room else 3
        self.shown = max(1, min(meetings, room // self.cell))
        self.bar = max(6, min(30, self.inner - self.name - 14))


class GroupOverviewScreen(PeerCircleScreen[None]):
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    #overview-status { height: auto; padding: 0 2; color: $text-muted; }
    #overview-status.-problem { color: $error; text-style: bold; }
    #overview-body { height: 1fr; padding: 0 1; }
    /* Side by side on a projector's width: the year on one wall, no scrolling. */
    #overview-body.-wide { layout: grid; grid-size: 2; grid-rows: auto; grid-gutter: 0 2; }
    .overview-panel {
        height: auto;
        border: round $panel;
        border-title-color: $text;
        border-title-style: bold;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("a", "actions", "Actions"),
        Binding("x", "save_report", "Save report"),
        Binding("r", "reload", "Read again", show=False),
    ]

    def __init__(self, group_id: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.overview: GroupOverview | None = None
        """The reading shown; None until the worker has read the meetings."""

    def compose(self) -> ComposeResult:
        yield Static("Group", id="overview-title", classes="step-title")
        yield Static("Reading the group's meetings…", id="overview-status")
        yield VerticalScroll(id="overview-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#overview-body").focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        if self.overview is not None:
            self.action_reload()  # back from the actions view: a tick changes the counts

    def on_resize(self) -> None:
        if self.overview is not None:
            self._show(self.overview)

    # -- reading -------------------------------------------------------------------------

    def action_reload(self) -> None:
        app, group_id = self.app, self.group_id

        def read() -> tuple[GroupOverview | None, list[str]]:
            groups = app.groups
            group = groups.get(group_id)
            if group is None:
                return None, list(groups.problems)
            return overview(group, session_reader(app), groups.ticks()), list(groups.problems)

        self.run_worker(
            read,
            name="group-overview",
            group="group-overview",
            thread=True,
            exclusive=True,
            exit_on_error=False,  # said on the screen (on_worker_state_changed), never a traceback
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "group-overview":
            return
        if event.state is WorkerState.ERROR:
            self._status(f"The group's meetings could not be read: {worker.error}", problem=True)
            return
        if event.state is not WorkerState.SUCCESS or worker.result is None:
            return
        found, problems = worker.result
        for problem in problems:
            self.notify(problem, title="Groups", severity="warning", markup=False, timeout=10)
        self.app.groups.problems.clear()  # told once
        if found is None:
            self._status(
                "This group is not in groups.json any more (renamed, removed, or its file was set "
                "aside). Press Esc.",
                problem=True,
            )
            return
        self.overview = found
        self._show(found)

    def _status(self, text: str, problem: bool = False) -> None:
        status = self.query_one("#overview-status", Static)
        status.update(Content(text))
        status.set_class(problem, "-problem")
        status.display = bool(text)

    # -- showing -------------------------------------------------------------------------

    def _show(self, view: GroupOverview) -> None:
        group = view.group
        self.query_one("#overview-title", Static).update(
            Content(f"Group · {group.name} · the group over time")
        )
        self._status(*self._summary_line(view))
        layout = Layout(self.size.width, view.people, len(view.meetings))
        body = self.query_one("#overview-body", VerticalScroll)
        body.set_class(layout.wide, "-wide")
        panels = [
            ("Attendance and turns", self._attendance(view, layout)),
            ("Meetings", self._meetings(view)),
            ("Airtime share", self._airtime(view, layout)),
            ("Proctor's functions: tagged shared-note lines", self._proctor(view, layout)),
            ("Actions", self._actions(view, layout)),
            ("Formats used", self._formats(view, layout)),
        ]
        existing = list(body.query(".overview-panel").results(Static))
        if len(existing) == len(panels):
            for widget, (_title, lines) in zip(existing, panels, strict=True):
                widget.update(Content("\n").join(lines))
        else:
            body.remove_children()
            widgets = []
            for title, lines in panels:
                widget = Static(Content("\n").join(lines), classes="overview-panel")
                widget.border_title = title
                widgets.append(widget)
            body.mount_all(widgets)

    def _summary_line(self, view: GroupOverview) -> tuple[str, bool]:
        group = view.group
        count = len(view.meetings)
        parts = [f"{len(group.members)} members", f"meets {group.cadence}"]
        if count:
            first, last = view.meetings[0].date, view.meetings[-1].date
            span = (
                long_date(first) if first == last else f"{short_date(first)} – {short_date(last)} {last[:4]}"
            )
            parts.append(f"{count} meeting{'s' if count != 1 else ''}, {span}")
        else:
            parts.append("no meetings yet")
        if group.review_on:
            parts.append(f"agreement to review by {long_date(group.review_on)}")
        if group.archived:
            parts.append("archived")
        text = " · ".join(parts)
        if view.missing:
            gone = ", ".join(_day_of(s) for s in view.missing)
            text += (
                f"\n⚠ {len(view.missing)} meeting record{'s are' if len(view.missing) != 1 else ' is'} "
                f"gone (purged or unreadable) and left out: {gone}."
            )
        return text, bool(view.missing)

    def _header(self, meetings: Sequence[MeetingLine], layout: Layout, number_from: int) -> Content:
        cells = []
        for n, meeting in enumerate(meetings, number_from):
            label = short_date(meeting.date) if layout.cell == 7 else str(n)
            cells.append(label.center(layout.cell) if layout.cell == 3 else fit(label, layout.cell))
        return line(((" " * (layout.name + 1) + "".join(cells)).rstrip(), "$text-muted"))

    def _shown_meetings(self, view: GroupOverview, layout: Layout) -> tuple[Sequence[MeetingLine], int]:
        """The meetings that have a column (the latest ones), and the first one's number."""
        start = len(view.meetings) - min(layout.shown, len(view.meetings))
        return view.meetings[start:], start + 1

    def _attendance(self, view: GroupOverview, layout: Layout) -> list[Content]:
        if not view.meetings:
            return [line("No meetings yet: attendance is shown from the first one.")]
        meetings, first = self._shown_meetings(view, layout)
        out = [self._header(meetings, layout, first)]
        members = set(view.group.members)
        for person in view.people:
            parts: list[Part] = [(fit(person, layout.name), "bold"), " "]
            for meeting in meetings:
                parts.append(self._attendance_cell(person, meeting, layout.cell))
            count = sum(person in m.present or person in m.guests for m in view.meetings)
            guest = "" if person in members else " guest"
            parts.append(f" {count} of {len(view.meetings)}{guest}")
            presented = view.presented(person)
            if presented:
                # The longest form that fits: a wrapped row would break the columns (the P in
                # the row and the meetings panel say when, whatever is left out here).
                room = layout.inner - line(*parts).cell_length
                forms = (
                    "  presented " + ", ".join(short_date(d) for d in presented),
                    f"  presented {len(presented)}×, last {short_date(presented[-1])}",
                    f"  presented {len(presented)}×",
                )
                said = next((form for form in forms if len(form) <= room), "")
                parts.append((said, "$accent"))
            out.append(line(*parts))
        out.append(
            line(
                (
                    "■ here  □ absent  P presented  · not in the group then (or a guest not there)",
                    "$text-muted",
                )
            )
        )
        if len(meetings) < len(view.meetings):
            out.append(line((f"The latest {len(meetings)} of {len(view.meetings)} meetings.", "$text-muted")))
        return out

    def _attendance_cell(self, person: str, meeting: MeetingLine, cell: int) -> Part:
        if person in meeting.presenters:
            glyph, style = "P", "bold $accent"
        elif person in meeting.present or person in meeting.guests:
            glyph, style = charts.PRESENT, "$success"
        elif person in meeting.absent:
            glyph, style = charts.ABSENT, "$warning"
        else:
            glyph, style = charts.NO_VALUE, "$text-muted"
        return (glyph.center(cell) if cell == 3 else fit(" " + glyph, cell), style)

    def _meetings(self, view: GroupOverview) -> list[Content]:
        if not view.meetings:
            return [line("No meetings yet. Start one from the home screen: its record joins the group.")]
        out = []
        for n, meeting in enumerate(view.meetings, 1):
            here = len(meeting.present)
            members = here + len(meeting.absent)
            out.append(
                line(
                    (f"{n:>2} ", "$text-muted"),
                    (long_date(meeting.date), "bold"),
                    f" · {meeting.format_name} · {here} of {members} here · {round(meeting.minutes)} min",
                )
            )
            details: list[Part] = []
            if meeting.presenters:
                details.append(("presented: " + ", ".join(meeting.presenters), "$accent"))
            details += [f"{role}: {who}" for role, who in sorted(meeting.roles.items())]
            if meeting.absent:
                details.append("absent: " + ", ".join(meeting.absent))
            if meeting.guests:
                details.append("guest: " + ", ".join(meeting.guests))
            parts: list[Part] = ["   "]
            for i, detail in enumerate(details):
                if i:
                    parts.append(" · ")
                parts.append(detail)
            out.append(line(*parts))
        return out

    def _airtime(self, view: GroupOverview, layout: Layout) -> list[Content]:
        if not view.meetings:
            return [line("No meetings yet.")]
        meetings, first = self._shown_meetings(view, layout)
        top = max((s for m in view.meetings for s in m.airtime_share.values()), default=0.0)
        out = [self._header(meetings, layout, first)]
        # The same whole percentages as the group report (adding up to 100 a meeting), so
        # the screen and the report never show one person two different figures.
        whole = {id(m): airtime_shares(m.airtime_share) for m in view.meetings}
        bar_width = max(6, min(layout.bar, layout.inner - layout.name - 1 - len(meetings) * layout.cell - 6))
        for person in view.people:
            parts: list[Part] = [(fit(person, layout.name), "bold"), " "]
            for meeting in meetings:
                share = meeting.airtime_share.get(person)
                glyph = charts.spark(share, top)
                if layout.cell == 7:
                    figure = f" {whole[id(meeting)][person]}%" if share is not None else ""
                    text = fit(f" {glyph}{figure}", 7)
                else:
                    text = glyph.center(3)
                parts.append((text, "$accent" if share is not None else "$text-muted"))
            shares = [whole[id(m)][person] / 100 for m in view.meetings if person in m.airtime_share]
            if shares:
                # The average of the percentages shown, so 9% 9% 9% never averages to 8%.
                average = sum(shares) / len(shares)
                parts += [" ", (charts.bar(average / top if top else 0, bar_width // 2), "$primary")]
                parts.append(f" {average:.0%}")
            out.append(line(*parts))
        fair = [1 / len(m.airtime_share) for m in view.meetings if m.airtime_share]
        even = f" An even share would be about {sum(fair) / len(fair):.0%}." if fair else ""
        out.append(
            line(
                (
                    f"Each meeting: ▁ least … █ most; · not there. Bar: average share when there.{even}",
                    "$text-muted",
                )
            )
        )
        return out

    def _proctor(self, view: GroupOverview, layout: Layout) -> list[Content]:
        styles = ("$primary", "$success", "$warning")
        legend: list[Part] = []
        for i, (name, about) in enumerate(PROCTOR):
            if i:
                legend.append("  ")
            legend.append((charts.PARTS[i] * 2, styles[i]))
            legend.append(f" {name}" + (f" ({about.split(':')[0].split(',')[0]})" if layout.wide else ""))
        out = [line(*legend)]
        width = max(8, min(40 if layout.wide else 24, layout.inner - 8 - 34))
        rows = [(short_date(m.date), m.proctor, "") for m in view.meetings]
        rows.append(("All", view.proctor_total(), "bold"))
        for label, counts, style in rows:
            numbers = [counts.get(name, 0) for name, _ in PROCTOR]
            parts: list[Part] = [(fit(label, 7), style or "$text-muted")]
            pieces = charts.stacked(numbers, width)
            if pieces:
                for index, cells in pieces:
                    parts.append((cells, styles[index]))
                parts.append(" " * (width - sum(len(c) for _, c in pieces)))
            else:
                parts.append(("none tagged".ljust(width), "$text-muted"))
            # The functions' names where there is room for them, else their initials.
            roomy = layout.inner >= 7 + width + 44
            names = ("normative", "formative", "restorative") if roomy else ("N", "F", "R")
            parts.append((" " + " · ".join(f"{n} {c}" for n, c in zip(names, numbers, strict=True)), style))
            out.append(line(*parts))
        return out

    def _actions(self, view: GroupOverview, layout: Layout) -> list[Content]:
        out: list[Content] = []
        top = max((max(m.actions_opened, m.actions_closed) for m in view.meetings), default=0)
        width = 10 if layout.wide else 6
        for meeting in view.meetings:
            opened = charts.bar(meeting.actions_opened / top if top else 0, width)
            closed = charts.bar(meeting.actions_closed / top if top else 0, width)
            out.append(
                line(
                    (fit(short_date(meeting.date), 7), "$text-muted"),
                    f"opened {meeting.actions_opened:>2} ",
                    (opened, "$primary"),
                    f"  closed {meeting.actions_closed:>2} ",
                    (closed, "$success"),
                )
            )
        counts = view.actions_by_status()
        most = max(counts.values(), default=0)
        if out:
            out.append(line(""))
        styles = {
            "open": "bold $warning",
            "done": "$success",
            "carried": "$primary",
            "dropped": "$text-muted",
        }
        for status, count in counts.items():
            out.append(
                line(
                    (fit(status, 8), styles[status]),
                    f"{count:>3} ",
                    (charts.bar(count / most if most else 0, width * 2), styles[status]),
                )
            )
        still = view.open_actions
        if still:
            out.append(line(""))
            out.append(line(("Still open (a: tick them off):", "bold")))
            held = {m.session_id: m.date for m in view.meetings}
            for action in still:
                who = f" — {action.who}" if action.who else ""
                when = f" — {action.when}" if action.when else ""
                agreed = f"(agreed {short_date(action.raised)}"
                if action.carried_from and action.session_id in held:
                    agreed += f", carried on {short_date(held[action.session_id])}"
                out.append(line(f"• {action.what}{who}{when} ", (agreed + ")", "$text-muted")))
        elif view.actions:
            out.append(line(("Every action is done, carried on or dropped.", "$success")))
        else:
            out.append(line(("No actions written yet.", "$text-muted")))
        return out

    def _formats(self, view: GroupOverview, layout: Layout) -> list[Content]:
        used = sorted(view.formats_used().items(), key=lambda item: (-item[1], item[0]))
        if not used:
            return [line(("None yet.", "$text-muted"))]
        most = used[0][1]
        name_width = min(32, max(len(name) for name, _ in used) + 1)
        return [
            line(fit(name, name_width), (charts.bar(count / most, 10), "$primary"), f" ×{count}")
            for name, count in used
        ]

    # -- keys ----------------------------------------------------------------------------

    def action_save_report(self) -> None:
        """The group report (sessions/groups/report.py) of the reading shown, as a file in
        the export folder; the toast says where."""
        from peercircle.sessions.groups.report import group_report_filename, render_group_report
        from peercircle.tui.records import save_record

        if self.overview is None:
            self.notify("The group's meetings are still being read.", severity="warning")
            return
        save_record(
            self.app,
            group_report_filename(self.overview),
            render_group_report(self.overview),
            what="Group report saved",
        )

    def action_back(self) -> None:
        self.answer(None)

    def action_actions(self) -> None:
        from peercircle.tui.screens.actions_view import ActionsScreen

        self.app.push_screen(ActionsScreen(self.group_id))

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("The group's open actions, to tick off", "Group · key a", self.action_actions)
        yield SystemCommand("Read the group's meetings again", "Group · key r", self.action_reload)
        yield SystemCommand("Back", "Group · key escape", self.action_back)


def _day_of(session_id: str) -> str:
    """The day a session ran, from its id (``20261112-0900-3d8b``), without reading it."""
    digits = session_id[:8]
    if digits.isdigit():
        return short_date(f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}") + f" {digits[:4]}"
    return session_id
