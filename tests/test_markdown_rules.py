"""Exports are accepted by the tools people paste them into: markdownlint's default rules
(line length aside) hold for every kind of export, whatever the notes hold.

CI also runs markdownlint-cli itself on the exports `tests/export_samples.py` writes; these
checks are the rules it reported, written against markdown-it's tokens so that they run with
the suite and under hypothesis."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.records.export import render_learning_record, render_markdown
from tests.export_samples import write_samples
from tests.test_export_records import HOSTILE, finished

PARSER = MarkdownIt("commonmark")
PUNCTUATION = tuple(".,;:!?。，；：！？")


def lint(markdown: str) -> list[str]:
    """The markdownlint rules our exports broke or could break, by their names."""
    problems: list[str] = []
    front: dict[str, object] = {}
    body = markdown
    if markdown.startswith("---\n"):
        end = markdown.index("\n---\n")
        front = yaml.load(markdown[4:end], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        body = markdown[end + 5 :]
    lines = body.split("\n")
    tokens = PARSER.parse(body)
    headings = [
        (tokens[i].tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"
    ]
    h1 = [text for tag, text in headings if tag == "h1"]
    if len(h1) + ("title" in front) > 1:
        problems.append("MD025 more than one top-level heading (front matter title counts)")
    seen: set[str] = set()
    for _, text in headings:
        if text in seen:
            problems.append(f"MD024 duplicate heading {text!r}")
        seen.add(text)
    for i, token in enumerate(tokens):
        # markdownlint looks at paragraphs of their own, not at list items.
        if token.type == "paragraph_open" and token.level == 0 and tokens[i + 1].children:
            kids = [k for k in tokens[i + 1].children if k.type != "text" or k.content]
            only_emphasis = (
                len(kids) == 3
                and kids[0].type in ("em_open", "strong_open")
                and kids[2].type in ("em_close", "strong_close")
                and "\n" not in tokens[i + 1].content
            )
            if only_emphasis and not kids[1].content.rstrip().endswith(PUNCTUATION):
                problems.append(f"MD036 emphasis used as a heading: {tokens[i + 1].content!r}")
    for number, line in enumerate(lines, 1):
        if "\t" in line:
            problems.append(f"MD010 hard tab on line {number}")
        trailing = len(line) - len(line.rstrip(" "))
        if trailing and trailing != 2:
            problems.append(f"MD009 {trailing} trailing spaces on line {number}")
    if re.search(r"\n\n\n", body):
        problems.append("MD012 more than one blank line in a row")
    if not markdown.endswith("\n") or markdown.endswith("\n\n"):
        problems.append("MD047 the file does not end with exactly one newline")
    return problems


def test_the_checker_finds_what_markdownlint_found() -> None:
    # The two rules every export broke before, as markdownlint reported them.
    assert lint('---\ntitle: "A"\n---\n# A\n')[0].startswith("MD025")
    assert lint("# A\n\n**Facilitator's private notes**\n")[0].startswith("MD036")
    assert lint("# A\n\n**Private notes:**\n") == []
    assert lint("# A\n\na\tb\n")[0].startswith("MD010")
    assert lint("# A\n\na\n\n\nb\n")[0].startswith("MD012")


def test_five_kinds_of_export_pass(tmp_path: Path) -> None:
    for path in write_samples(tmp_path):
        assert lint(path.read_text(encoding="utf-8")) == [], path.name


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_notes_pass(case: str, als_session: Session, clock: FakeClock) -> None:
    text = HOSTILE[case] + "\n\n\n\nafter three blank lines\t and a tab   "
    steps = range(len(als_session.meta.format.phases))
    summary = finished(
        als_session,
        clock,
        notes=dict.fromkeys(steps, text),
        actions=dict.fromkeys(steps, text),
        private=dict.fromkeys(steps, text),
    )
    for markdown in (
        render_markdown(summary),
        render_markdown(summary, include_private=True),
        render_learning_record(summary, "Ben"),
    ):
        assert lint(markdown) == []


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40, deadline=None)
@given(
    note=st.text(alphabet=st.sampled_from(list("ab *_#>-1.\t\n|`~")), max_size=60),
    rule=st.text(alphabet=st.sampled_from(list("ab *_.!")), min_size=1, max_size=20),
)
def test_any_note_and_rule_pass(note: str, rule: str, library, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    fmt = library.get("action-learning-set")
    phases = (dataclasses.replace(fmt.phases[0], rule=rule), *fmt.phases[1:])
    session = Session.new(dataclasses.replace(fmt, phases=phases), ("Ann", "Ben"), "Ann", clock=clock)
    session.start()
    summary = finished(session, clock, notes={0: note}, private={0: note})
    assert lint(render_markdown(summary, include_private=True)) == []
