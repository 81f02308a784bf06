"""Read a format written as a Markdown file.

The convention is meant to be copied by someone who has never seen a config language:

    # Solution Circle                     <- the format's name (one top heading)
    A paragraph saying what it is for.    <- the purpose
    - Source: O'Brien, Forest & Pearpoint (1996)
    - Timings: published                  <- or "suggested"
    - Group size: 5-9
    - Presenter: yes                      <- "no" for rounds without a case-holder
    - Cycle: per presenter                <- run the phases once for each presenter

    ## Problem                            <- one second-level heading per phase
    - Minutes: 5                          <- or "Minutes each: 1" (per person)
    - Turn minutes: 2                     <- optional countdown for each turn
    - Mode: presenter
    - Rule: The presenter speaks without interruption.
    - Protected: yes
    - Prompt: What would help most today?  <- as many as you like

Every problem is reported with its line number and a hint on how to fix it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from markdown_it import MarkdownIt

from peercircle.sessions.library.decks import load_decks
from peercircle.sessions.library.formats import Format, Phase, SpeakerMode
from peercircle.sessions.library.markdown_file import (
    FormatError,
    FormatProblem,
    read_limited,
    slug,
    unescape,
)

HEADER_KEYS = {"source", "timings", "group size", "presenter", "cycle", "id", "roles", "total"}
HEADER_HINT = "Source, Timings, Group size, Roles, Total, Presenter, Cycle"
PHASE_KEYS = {
    "minutes",
    "minutes each",
    "turn minutes",
    "mode",
    "rule",
    "prompt",
    "repeat rounds",
    "protected",
    "deck",
    "card",
}
PHASE_HINT = "Minutes, Minutes each, Turn minutes, Mode, Rule, Prompt, Repeat rounds, Protected, Deck, Card"
_TOTAL = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:min(?:ute)?s?)?\s*(?:for|with)\s*(\d+)\s*(?:people|persons|members)?",
    re.IGNORECASE,
)
MAX_MINUTES = 600
MAX_PHASES = 50
"""The built-in formats have at most 9 phases; 50 is a full day of short rounds. Each phase
is a line in the chooser's preview and a step of the session, so a file with thousands (a
generated or pasted one) is refused at the first phase too many instead of laid out."""
MAX_NAME = 80
"""Characters in the format's or a phase's name: it must fit a title line."""
MAX_FIELD = 500
"""Characters in one 'Key: value' line (a rule, a prompt, the source): the longest built-in
one is under 200, and a rule is read beside the countdown, not scrolled."""
MAX_PROMPTS = 20
"""Prompts in one phase (the built-ins have at most 4)."""
MAX_GROUP = 12
"""The largest group the app runs (``peercircle.sessions.engine.session.check_group``)."""
YES = {"yes", "y", "true"}
NO = {"no", "n", "false"}
MODES = ", ".join(m.value for m in SpeakerMode)

_parser = MarkdownIt("commonmark")


def _escape_title(text: str) -> str:
    text = " ".join(text.split()).replace("\\", "\\\\")
    # A closing run of '#' would be read as the end of the heading, not as part of the name.
    return re.sub(r"(#+)$", lambda m: "\\#" * len(m[1]), text)


def _escape_paragraph(text: str) -> str:
    lines = []
    for line in text.splitlines():
        line = line.strip().replace("\\", "\\\\")
        # Anything that could open a list, heading, quote or setext underline is escaped.
        line = re.sub(r"^([#=+\-*_>`~|<])", r"\\\1", line)
        lines.append(re.sub(r"^(\d+)([.)])", r"\1\\\2", line))
    return "\n".join(lines)


@dataclass
class _Section:
    title: str
    line: int
    fields: list[tuple[str, str, int]]
    paragraphs: list[str]


def _sections(text: str, problems: list[FormatProblem]) -> list[_Section]:
    tokens = _parser.parse(text)
    sections: list[_Section] = []
    heading_level = 0
    list_depth = 0
    for i, tok in enumerate(tokens):
        line = (tok.map[0] + 1) if tok.map else 0
        if tok.type == "heading_open":
            heading_level = int(tok.tag[1])
            title = unescape(tokens[i + 1].content.strip())
            if heading_level > 2:
                problems.append(
                    FormatProblem(
                        line,
                        f"'{tok.markup} {title}' is a level-{heading_level} heading; "
                        "use '#' for the format name and '##' for each phase",
                    )
                )
                continue
            sections.append(_Section(title, line, [], []))
            sections[-1].fields.append(("#level", str(heading_level), line))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            if not sections:
                problems.append(
                    FormatProblem(line, "text before the first heading; start with '# Format name'")
                )
                continue
            if list_depth:
                content = tok.content.strip()
                key, sep, value = content.partition(":")
                if not sep:
                    problems.append(
                        FormatProblem(
                            line,
                            f"'{content}' is not 'Key: value'; write it like '- Minutes: 5'",
                        )
                    )
                    continue
                sections[-1].fields.append((key.strip().lower(), value.strip(), line))
            else:
                sections[-1].paragraphs.append(unescape(tok.content.strip()))
    return sections


def minutes_value(text: str) -> float | None:
    """``text`` as minutes (a whole number where it is one), or None when it is not a
    number, or not more than 0 and at most MAX_MINUTES."""
    try:
        number = float(text.strip())
    except ValueError:
        return None
    if not math.isfinite(number) or not 0 < number <= MAX_MINUTES:
        return None
    return int(number) if number.is_integer() else number


def _number(value: str, line: int, key: str, problems: list[FormatProblem]) -> float | None:
    number = minutes_value(value)
    if number is not None:
        return number
    name = key.capitalize()
    try:
        float(value)
    except ValueError:
        problems.append(FormatProblem(line, f"'{name}: {value}' is not a number; write e.g. '{name}: 5'"))
    else:
        problems.append(
            FormatProblem(line, f"{name} must be more than 0 and at most {MAX_MINUTES}, not {value}")
        )
    return None


def _yes_no(value: str, line: int, key: str, problems: list[FormatProblem]) -> bool:
    lowered = value.lower()
    if lowered in YES:
        return True
    if lowered not in NO:
        problems.append(FormatProblem(line, f"{key.capitalize()} should be 'yes' or 'no', not '{value}'"))
    return False


def _too_long(key: str, value: str, line: int, problems: list[FormatProblem]) -> bool:
    if len(value) <= MAX_FIELD:
        return False
    problems.append(
        FormatProblem(line, f"the {key.capitalize()} is longer than {MAX_FIELD} characters; shorten it")
    )
    return True


def parse_format(
    text: str,
    path: str = "<format>",
    origin: str = "user",
    decks: Mapping[str, Sequence[str]] | None = None,
) -> Format:
    """Parse one format file; raise FormatError listing every problem found.

    ``decks`` maps each known deck id to its card titles; with it, a phase's Deck and Card
    lines are checked too.
    """
    problems: list[FormatProblem] = []
    sections = _sections(text, problems)
    if not sections or sections[0].fields[0][1] != "1":
        problems.append(FormatProblem(1, "the file must start with '# Format name'"))
        raise FormatError(path, sorted(problems, key=lambda p: p.line))
    head, *phase_sections = sections
    fid = slug(Path(path).stem if path != "<format>" else head.title)
    source, timings, group = "", "suggested", (2, 12)
    needs_presenter = True
    cycle = False
    roles: tuple[str, ...] = ()
    total: tuple[float, int, int] | None = None  # minutes, people, line
    if not head.title:
        problems.append(FormatProblem(head.line, "the '#' heading needs the format's name after it"))
    elif len(head.title) > MAX_NAME:
        problems.append(
            FormatProblem(head.line, f"the name is longer than {MAX_NAME} characters; shorten it")
        )
    for key, value, line in head.fields[1:]:
        if _too_long(key, value, line, problems):
            continue
        if key not in HEADER_KEYS:
            problems.append(
                FormatProblem(
                    line,
                    f"unknown field '{key}'; under the title use: {HEADER_HINT}",
                )
            )
        elif key == "id":
            fid = slug(value)
        elif key == "source":
            source = value
        elif key == "roles":
            roles = tuple(r.strip() for r in re.split(r"[,;]", value) if r.strip())
        elif key == "total":
            match = _TOTAL.fullmatch(value)
            if not match or not 2 <= int(match[2]) <= MAX_GROUP:
                problems.append(
                    FormatProblem(line, f"Total should look like '45 minutes for 6 people', not '{value}'")
                )
            else:
                total = (float(match[1]), int(match[2]), line)
        elif key == "timings":
            if value.lower() not in ("published", "suggested"):
                problems.append(
                    FormatProblem(line, f"Timings should be 'published' or 'suggested', not '{value}'")
                )
            timings = value.lower()
        elif key == "group size":
            match = re.fullmatch(r"(\d+)\s*(?:-|–|to)\s*(\d+)", value)
            if match and int(match[2]) > MAX_GROUP:
                problems.append(
                    FormatProblem(line, f"peercircle runs groups of up to {MAX_GROUP}; e.g. '4-{MAX_GROUP}'")
                )
            elif not match or not (1 <= int(match[1]) <= int(match[2])):
                problems.append(FormatProblem(line, f"Group size should look like '4-8', not '{value}'"))
            else:
                group = (int(match[1]), int(match[2]))
        elif key == "presenter":
            needs_presenter = _yes_no(value, line, key, problems)
        elif key == "cycle":
            if value.lower() not in ("per presenter", "once"):
                problems.append(
                    FormatProblem(line, f"Cycle should be 'per presenter' or 'once', not '{value}'")
                )
            cycle = value.lower() == "per presenter"
    for section in sections[1:]:
        if section.fields[0][1] == "1":
            problems.append(
                FormatProblem(section.line, "only one '#' heading is allowed; use '##' for phases")
            )
    phases: list[Phase] = []
    seen: dict[str, int] = {}
    real_phases = [s for s in phase_sections if s.fields[0][1] != "1"]
    if len(real_phases) > MAX_PHASES:
        # One problem for all the phases past the limit: they are not checked one by one.
        problems.append(
            FormatProblem(
                real_phases[MAX_PHASES].line,
                f"more than {MAX_PHASES} phases; a session format has at most {MAX_PHASES}",
            )
        )
    for section in real_phases[:MAX_PHASES]:
        phase = _phase(section, problems, needs_presenter, decks)
        key = section.title.lower()
        if key in seen:
            problems.append(
                FormatProblem(
                    section.line,
                    f"phase '{section.title}' is named twice (first on line {seen[key]}); "
                    "give each phase its own name",
                )
            )
        seen.setdefault(key, section.line)
        if phase:
            phases.append(phase)
    if not source and sections[0].title:
        problems.append(
            FormatProblem(
                head.line,
                "no source; under the title add where it comes from, e.g. '- Source: our team (2026)'",
            )
        )
    if not phase_sections:
        problems.append(
            FormatProblem(
                head.line, "no phases; add at least one '## Phase name' with '- Minutes:' and '- Mode:'"
            )
        )
    if total is not None and phases and len(phases) == len(phase_sections):
        minutes, people, line = total
        members = people - 1 if needs_presenter else people
        added = sum(p.planned_seconds(members) for p in phases) / 60
        if abs(added - minutes) > 0.01:
            problems.append(
                FormatProblem(
                    line,
                    f"the phases add up to {added:g} minutes for {people} people, not {minutes:g}; "
                    f"change the Total to '{added:g} minutes for {people} people' or the phase minutes",
                )
            )
    if problems:
        raise FormatError(path, sorted(problems, key=lambda p: p.line))
    return Format(
        id=fid,
        name=head.title,
        phases=tuple(phases),
        purpose="\n\n".join(head.paragraphs),
        source=source,
        timings=timings,
        group_min=group[0],
        group_max=group[1],
        needs_presenter=needs_presenter,
        cycle_per_presenter=cycle and needs_presenter,
        origin=origin,
        path=path,
        roles=roles,
        total_minutes=int(total[0]) if total and total[0].is_integer() else (total[0] if total else None),
        total_group=total[1] if total else None,
    )


def _phase(
    section: _Section,
    problems: list[FormatProblem],
    needs_presenter: bool,
    decks: Mapping[str, Sequence[str]] | None,
) -> Phase | None:
    values: dict[str, object] = {}
    prompts: list[str] = []
    before = len(problems)
    if len(section.title) > MAX_NAME:
        problems.append(
            FormatProblem(section.line, f"the phase name is longer than {MAX_NAME} characters; shorten it")
        )
    for key, value, line in section.fields[1:]:
        if _too_long(key, value, line, problems):
            continue
        if key not in PHASE_KEYS:
            problems.append(
                FormatProblem(
                    line,
                    f"unknown field '{key}' in phase '{section.title}'; use {PHASE_HINT}",
                )
            )
        elif key in ("minutes", "minutes each", "turn minutes"):
            values[key] = _number(value, line, key, problems)
        elif key == "mode":
            try:
                values["mode"] = SpeakerMode(value.lower())
            except ValueError:
                problems.append(FormatProblem(line, f"unknown speaker mode '{value}'; use one of: {MODES}"))
                values["mode"] = None
        elif key == "prompt":
            if len(prompts) == MAX_PROMPTS:
                problems.append(
                    FormatProblem(line, f"more than {MAX_PROMPTS} prompts in phase '{section.title}'")
                )
            prompts.append(value)
        elif key == "rule":
            values["rule"] = value
        elif key == "deck":
            deck_id = slug(value)
            if decks is not None and deck_id not in decks:
                problems.append(
                    FormatProblem(line, f"unknown deck '{value}'; use one of: {', '.join(sorted(decks))}")
                )
            values["deck"] = deck_id
            values["deck line"] = line
        elif key == "card":
            values["card"] = value
            values["card line"] = line
        else:
            values[key] = _yes_no(value, line, key, problems)
    if "minutes" not in values and "minutes each" not in values:
        problems.append(
            FormatProblem(
                section.line,
                f"phase '{section.title}' has no time; add '- Minutes: 5' (or '- Minutes each: 1')",
            )
        )
    if "minutes" in values and "minutes each" in values:
        problems.append(
            FormatProblem(
                section.line, f"phase '{section.title}' has both Minutes and Minutes each; keep one"
            )
        )
    if "mode" not in values:
        problems.append(
            FormatProblem(
                section.line, f"phase '{section.title}' has no speaker mode; add e.g. '- Mode: go-round'"
            )
        )
    if "card" in values:
        card_line = int(values["card line"])  # type: ignore[call-overload]
        card_deck = values.get("deck")
        if card_deck is None:
            problems.append(FormatProblem(card_line, "a Card needs a Deck line above it in the same phase"))
        elif decks is not None and card_deck in decks:
            titles = [t.casefold() for t in decks[str(card_deck)]]
            renamed = RENAMED_CARDS.get((str(card_deck), str(values["card"]).casefold()))
            if str(values["card"]).casefold() not in titles and renamed and renamed.casefold() in titles:
                # A format written before a built-in card was renamed still names it by
                # its old title: it keeps working, with the card as it is called now.
                values["card"] = renamed
            if str(values["card"]).casefold() not in titles:
                problems.append(
                    FormatProblem(
                        card_line,
                        f"the deck '{card_deck}' has no card '{values['card']}'; "
                        f"its cards are: {', '.join(decks[str(card_deck)])}",
                    )
                )
    mode = values.get("mode")
    if (
        isinstance(mode, SpeakerMode)
        and not needs_presenter
        and mode
        in (
            SpeakerMode.PRESENTER,
            SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS,
        )
    ):
        problems.append(
            FormatProblem(
                section.line,
                f"phase '{section.title}' needs a presenter, but the format says 'Presenter: no'",
            )
        )
    if len(problems) != before:
        return None
    return Phase(
        name=section.title,
        mode=mode,  # type: ignore[arg-type]
        minutes=values.get("minutes"),  # type: ignore[arg-type]
        minutes_each=values.get("minutes each"),  # type: ignore[arg-type]
        turn_minutes=values.get("turn minutes"),  # type: ignore[arg-type]
        rule=str(values.get("rule", "")),
        description="\n\n".join(section.paragraphs),
        prompts=tuple(prompts),
        repeat_rounds=bool(values.get("repeat rounds", False)),
        protected=bool(values.get("protected", False)),
        deck=str(values.get("deck", "")),
        card=str(values.get("card", "")),
    )


@dataclass(frozen=True)
class Library:
    formats: tuple[Format, ...]
    errors: tuple[FormatError, ...]

    def get(self, format_id: str) -> Format | None:
        return next((f for f in self.formats if f.id == format_id), None)

    def clash(self, fmt: Format, path: str = "") -> str | None:
        """Why ``fmt`` cannot join this library (its name or id is taken), or None."""
        for other in self.formats:
            if path and other.path == path:
                continue
            where = "a built-in format" if other.origin == "built-in" else f"the format in {other.path}"
            if other.name.casefold() == fmt.name.casefold():
                return f"the name '{fmt.name}' is already used by {where}; change the '#' line"
            if other.id == fmt.id:
                return f"the id '{fmt.id}' is already used by {where}; rename the file or add '- Id: ...'"
        return None


RENAMED_CARDS: dict[tuple[str, str], str] = {
    ("smart", "time-bound"): "Timeframe",
    ("developmental-levels", "level 1: starting out"): "Level 1: self-centred",
    ("developmental-levels", "level 2: finding your feet"): "Level 2: client-centred",
    ("developmental-levels", "level 3: own style"): "Level 3: process-centred",
}
"""(deck id, old title in lower case) -> the title the card has now. Built-in cards renamed
to the resource's own words; a facilitator's format may name them the old way."""


def builtin_deck_cards() -> dict[str, list[str]]:
    """Deck id -> card titles, for checking a format's Deck and Card lines."""
    return load_decks().card_titles()


@cache
def _builtin_formats(
    decks: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[Format, ...], tuple[FormatError, ...]]:
    """The formats shipped in the package, checked against ``decks``, read once per process
    for each set of decks: they cannot change while it runs, and reading them again for
    every new app (every test) cost a third of a second."""
    cards = {deck: list(titles) for deck, titles in decks}
    formats: list[Format] = []
    errors: list[FormatError] = []
    builtin = resources.files("peercircle.content").joinpath("formats")
    for entry in sorted(builtin.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            try:
                formats.append(
                    parse_format(entry.read_text(encoding="utf-8-sig"), entry.name, "built-in", cards)
                )
            except FormatError as exc:
                errors.append(exc)
    return tuple(formats), tuple(errors)


def load_library(user_dir: Path | None = None, decks: Mapping[str, Sequence[str]] | None = None) -> Library:
    """Built-in formats (shipped in the wheel) plus any user formats; broken files are reported, not fatal."""
    if decks is None:
        decks = builtin_deck_cards()
    shipped, shipped_errors = _builtin_formats(tuple(sorted((d, tuple(c)) for d, c in decks.items())))
    formats: list[Format] = list(shipped)
    errors: list[FormatError] = list(shipped_errors)
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.md")):
            try:
                fmt = parse_format(read_limited(path), str(path), "user", decks)
            except FormatError as exc:
                errors.append(exc)
                continue
            except (OSError, UnicodeDecodeError) as exc:
                errors.append(FormatError(str(path), [FormatProblem(1, f"cannot be read: {exc}")]))
                continue
            problem = Library(tuple(formats), ()).clash(fmt)
            if problem:
                errors.append(FormatError(str(path), [FormatProblem(1, problem)]))
            else:
                formats.append(fmt)
    return Library(tuple(formats), tuple(errors))


def _minutes(value: float) -> str:
    return f"{value:g}"


def render_format(fmt: Format) -> str:
    """``fmt`` written in the format-file convention; ``parse_format`` reads it back unchanged."""
    out = [f"# {_escape_title(fmt.name)}", ""]
    if fmt.purpose:
        out += [_escape_paragraph(p) + "\n" for p in fmt.purpose.split("\n\n")]
    out.append(f"- Source: {_one_line(fmt.source)}")
    out.append(f"- Timings: {fmt.timings}")
    out.append(f"- Group size: {fmt.group_min}-{fmt.group_max}")
    if fmt.roles:
        out.append(f"- Roles: {', '.join(_one_line(r) for r in fmt.roles)}")
    if fmt.total_group is not None:
        total = fmt.planned_seconds(fmt.total_group, presenters=1) / 60
        out.append(f"- Total: {total:g} minutes for {fmt.total_group} people")
    out.append(f"- Presenter: {'yes' if fmt.needs_presenter else 'no'}")
    if fmt.cycle_per_presenter:
        out.append("- Cycle: per presenter")
    for phase in fmt.phases:
        out += ["", f"## {_escape_title(phase.name)}"]
        if phase.description:
            out += [_escape_paragraph(p) + "\n" for p in phase.description.split("\n\n")]
        if phase.minutes_each is not None:
            out.append(f"- Minutes each: {_minutes(phase.minutes_each)}")
        else:
            out.append(f"- Minutes: {_minutes(phase.minutes or 0)}")
        if phase.turn_minutes is not None:
            out.append(f"- Turn minutes: {_minutes(phase.turn_minutes)}")
        out.append(f"- Mode: {phase.mode.value}")
        if phase.rule:
            out.append(f"- Rule: {_one_line(phase.rule)}")
        out += [f"- Prompt: {_one_line(p)}" for p in phase.prompts]
        if phase.repeat_rounds:
            out.append("- Repeat rounds: yes")
        if phase.protected:
            out.append("- Protected: yes")
        if phase.deck:
            out.append(f"- Deck: {phase.deck}")
            if phase.card:
                out.append(f"- Card: {_one_line(phase.card)}")
    return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
