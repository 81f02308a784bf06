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

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from markdown_it import MarkdownIt

from sessions.formats import Format, Phase, SpeakerMode


@dataclass(frozen=True)
class FormatProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class FormatError(Exception):
    """A format file that cannot be used; carries every problem found."""

    def __init__(self, path: str, problems: list[FormatProblem]) -> None:
        self.path = path
        self.problems = problems
        first = problems[0] if problems else FormatProblem(1, "unknown problem")
        super().__init__(f"{path}: {first}")


HEADER_KEYS = {"source", "timings", "group size", "presenter", "cycle", "id"}
PHASE_KEYS = {
    "minutes",
    "minutes each",
    "turn minutes",
    "mode",
    "rule",
    "prompt",
    "repeat rounds",
    "protected",
}
YES = {"yes", "y", "true"}
NO = {"no", "n", "false"}
MODES = ", ".join(m.value for m in SpeakerMode)

_parser = MarkdownIt("commonmark")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "format"


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
            title = tokens[i + 1].content.strip()
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
                sections[-1].paragraphs.append(tok.content.strip())
    return sections


def _number(value: str, line: int, key: str, problems: list[FormatProblem]) -> float | None:
    try:
        number = float(value)
    except ValueError:
        problems.append(
            FormatProblem(
                line, f"'{key.capitalize()}: {value}' is not a number; write e.g. '{key.capitalize()}: 5'"
            )
        )
        return None
    if number <= 0 or number > 600:
        problems.append(
            FormatProblem(line, f"{key.capitalize()} must be more than 0 and at most 600, not {value}")
        )
        return None
    return int(number) if number.is_integer() else number


def _yes_no(value: str, line: int, key: str, problems: list[FormatProblem]) -> bool:
    lowered = value.lower()
    if lowered in YES:
        return True
    if lowered not in NO:
        problems.append(FormatProblem(line, f"{key.capitalize()} should be 'yes' or 'no', not '{value}'"))
    return False


def parse_format(text: str, path: str = "<format>", origin: str = "user") -> Format:
    """Parse one format file; raise FormatError listing every problem found."""
    problems: list[FormatProblem] = []
    sections = _sections(text, problems)
    if not sections or sections[0].fields[0][1] != "1":
        problems.append(FormatProblem(1, "the file must start with '# Format name'"))
        raise FormatError(path, sorted(problems, key=lambda p: p.line))
    head, *phase_sections = sections
    fid = _slug(Path(path).stem if path != "<format>" else head.title)
    source, timings, group = "", "suggested", (2, 12)
    needs_presenter = True
    cycle = False
    for key, value, line in head.fields[1:]:
        if key not in HEADER_KEYS:
            problems.append(
                FormatProblem(
                    line,
                    f"unknown field '{key}'; under the title use: "
                    "Source, Timings, Group size, Presenter, Cycle",
                )
            )
        elif key == "id":
            fid = _slug(value)
        elif key == "source":
            source = value
        elif key == "timings":
            if value.lower() not in ("published", "suggested"):
                problems.append(
                    FormatProblem(line, f"Timings should be 'published' or 'suggested', not '{value}'")
                )
            timings = value.lower()
        elif key == "group size":
            match = re.fullmatch(r"(\d+)\s*(?:-|–|to)\s*(\d+)", value)
            if not match or not (1 <= int(match[1]) <= int(match[2]) <= 30):
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
    for section in phase_sections:
        if section.fields[0][1] == "1":
            continue
        phase = _phase(section, problems, needs_presenter)
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
    if not phase_sections:
        problems.append(
            FormatProblem(
                head.line, "no phases; add at least one '## Phase name' with '- Minutes:' and '- Mode:'"
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
    )


def _phase(section: _Section, problems: list[FormatProblem], needs_presenter: bool) -> Phase | None:
    values: dict[str, object] = {}
    prompts: list[str] = []
    before = len(problems)
    for key, value, line in section.fields[1:]:
        if key not in PHASE_KEYS:
            problems.append(
                FormatProblem(
                    line,
                    f"unknown field '{key}' in phase '{section.title}'; use Minutes, Minutes each, "
                    "Turn minutes, Mode, Rule, Prompt, Repeat rounds, Protected",
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
            prompts.append(value)
        elif key == "rule":
            values["rule"] = value
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
    )


@dataclass(frozen=True)
class Library:
    formats: tuple[Format, ...]
    errors: tuple[FormatError, ...]

    def get(self, format_id: str) -> Format | None:
        return next((f for f in self.formats if f.id == format_id), None)


def load_library(user_dir: Path | None = None) -> Library:
    """Built-in formats (shipped in the wheel) plus any user formats; broken files are reported, not fatal."""
    formats: list[Format] = []
    errors: list[FormatError] = []
    builtin = resources.files("content").joinpath("formats")
    for entry in sorted(builtin.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            try:
                formats.append(parse_format(entry.read_text(encoding="utf-8"), entry.name, "built-in"))
            except FormatError as exc:
                errors.append(exc)
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.md")):
            try:
                formats.append(parse_format(path.read_text(encoding="utf-8"), str(path), "user"))
            except FormatError as exc:
                errors.append(exc)
            except (OSError, UnicodeDecodeError) as exc:
                errors.append(FormatError(str(path), [FormatProblem(1, f"cannot be read: {exc}")]))
    return Library(tuple(formats), tuple(errors))
