"""A huge file never freezes the app (issue 12).

Format and deck files over a limit are refused with the file and the line, before they
are parsed; a big session file opens in a worker while the app keeps answering keys; and
SIGTERM or SIGHUP end a busy app within seconds with what was typed on disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peercircle.sessions.library import format_file
from peercircle.sessions.library.decks import MAX_CARDS, load_decks
from peercircle.sessions.library.format_file import (
    MAX_FIELD,
    MAX_NAME,
    MAX_PHASES,
    MAX_PROMPTS,
    FormatError,
    load_library,
    parse_format,
)
from peercircle.sessions.library.markdown_file import MAX_FILE_BYTES
from tests.commands import cli

HEAD = "# Long day\n\n- Source: our team (2026)\n- Presenter: no\n"


def phase(i: int, extra: str = "") -> str:
    return f"\n## Step {i}\n- Minutes: 1\n- Mode: go-round\n{extra}"


def format_text(phases: int) -> str:
    return HEAD + "".join(phase(i) for i in range(1, phases + 1))


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# -- format files ------------------------------------------------------------------------


def test_fifty_phases_parse_and_the_fifty_first_is_refused_at_its_line() -> None:
    assert len(parse_format(format_text(MAX_PHASES), "long-day.md").phases) == MAX_PHASES
    text = format_text(MAX_PHASES + 1)
    with pytest.raises(FormatError) as caught:
        parse_format(text, "long-day.md")
    line = line_of(text, f"## Step {MAX_PHASES + 1}\n")
    assert str(caught.value) == (
        f"long-day.md: line {line}: more than {MAX_PHASES} phases; a session format has at most {MAX_PHASES}"
    )


def test_ten_thousand_phases_are_one_problem_not_ten_thousand() -> None:
    # Under the size limit only because the phases are broken (no time, no mode): the
    # ones past the limit are not checked one by one.
    text = HEAD + "".join(f"## S{i}\n" for i in range(10_000))
    with pytest.raises(FormatError) as caught:
        parse_format(text, "many.md")
    problems = caught.value.problems
    assert sum("more than 50 phases" in p.message for p in problems) == 1
    assert len(problems) <= 2 * MAX_PHASES + 1


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("- Rule: " + "r" * (MAX_FIELD + 1) + "\n", f"the Rule is longer than {MAX_FIELD} characters"),
        ("- Prompt: " + "p" * (MAX_FIELD + 1) + "\n", f"the Prompt is longer than {MAX_FIELD} characters"),
        (
            "".join(f"- Prompt: ask {i}?\n" for i in range(MAX_PROMPTS + 1)),
            f"more than {MAX_PROMPTS} prompts",
        ),
    ],
)
def test_over_long_rules_and_prompts_are_refused_at_their_line(extra: str, words: str) -> None:
    text = HEAD + phase(1, extra)
    with pytest.raises(FormatError) as caught:
        parse_format(text, "wordy.md")
    last = text.rstrip("\n").count("\n") + 1  # the field that crosses the limit is the last line
    assert [(p.line, words in p.message) for p in caught.value.problems] == [(last, True)]


def test_an_over_long_phase_name_or_source_is_refused_at_its_line() -> None:
    text = format_text(1).replace("## Step 1", "## " + "n" * (MAX_NAME + 1))
    with pytest.raises(FormatError) as caught:
        parse_format(text, "named.md")
    assert [p.line for p in caught.value.problems] == [line_of(text, "## nnn")]
    assert f"longer than {MAX_NAME} characters" in caught.value.problems[0].message
    text = format_text(1).replace("our team (2026)", "s" * (MAX_FIELD + 1))
    with pytest.raises(FormatError) as caught:
        parse_format(text, "named.md")
    assert any(
        p.line == 3 and p.message.startswith(f"the Source is longer than {MAX_FIELD} characters")
        for p in caught.value.problems
    ), caught.value.problems


def big_format(path: Path, size: int = 10 << 20) -> int:
    """A format file of ``size`` bytes (valid phases, over and over); returns the line on
    which it passes the size limit."""
    block = phase(1).encode()
    body = HEAD.encode() + block * (size // len(block))
    path.write_bytes(body)
    return body[:MAX_FILE_BYTES].count(b"\n") + 1


def test_a_ten_megabyte_format_is_refused_unparsed_and_the_rest_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = big_format(tmp_path / "huge.md")
    (tmp_path / "mine.md").write_text(format_text(3), encoding="utf-8")
    real_parse = format_file.parse_format
    parsed: list[str] = []

    def parse(text: str, path: str = "<format>", *args, **kwargs):
        parsed.append(Path(path).name)
        assert len(text) <= MAX_FILE_BYTES
        return real_parse(text, path, *args, **kwargs)

    monkeypatch.setattr(format_file, "parse_format", parse)
    library = load_library(tmp_path)
    assert "huge.md" not in parsed and "mine.md" in parsed
    assert library.get("mine") is not None
    [error] = library.errors
    assert str(error) == (
        f"{tmp_path / 'huge.md'}: line {line}: the file is larger than 64 KB (it is 10.0 MB); "
        "a format file is a few KB, so this is probably not one"
    )


def test_a_fifo_in_the_formats_folder_does_not_hang_the_library(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")  # opening it for reading would wait for a writer forever
    (tmp_path / "mine.md").write_text(format_text(2), encoding="utf-8")
    library = load_library(tmp_path)
    assert library.get("mine") is not None
    [error] = library.errors
    assert error.path.endswith("pipe.md") and "not a regular file" in str(error)


def test_formats_check_and_list_refuse_a_huge_file_with_its_line(tmp_path: Path, data_dir: Path) -> None:
    folder = data_dir / "formats"
    folder.mkdir(parents=True)
    line = big_format(folder / "huge.md")
    (folder / "long.md").write_text(format_text(MAX_PHASES + 5), encoding="utf-8")
    result = cli("formats", "check", "huge.md", data_dir=data_dir)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"{folder / 'huge.md'}:{line}: the file is larger than 64 KB (it is 10.0 MB); "
        "a format file is a few KB, so this is probably not one"
    )
    listed = cli("formats", "list", data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    assert f"INVALID {folder / 'huge.md'}: line {line}: the file is larger than 64 KB" in listed.stdout
    long_line = line_of(format_text(MAX_PHASES + 5), f"## Step {MAX_PHASES + 1}\n")
    assert f"INVALID {folder / 'long.md'}: line {long_line}: more than {MAX_PHASES} phases" in listed.stdout
    assert "0 yours, 2 invalid" in listed.stdout


# -- deck files --------------------------------------------------------------------------


def test_a_huge_deck_or_one_with_too_many_cards_is_refused_with_its_line(tmp_path: Path) -> None:
    card = b"\n## A card\nWhat it is about.\n- A question?\n"
    head = b"# Big deck\n\n- Source: us\n"
    body = head + card * ((20 << 20) // len(card))
    (tmp_path / "huge.md").write_bytes(body)
    many = "# Many\n\n- Source: us\n" + "".join(f"\n## Card {i}\n- Ask {i}?\n" for i in range(MAX_CARDS + 1))
    (tmp_path / "many.md").write_text(many, encoding="utf-8")
    decks = load_decks(tmp_path)
    errors = {Path(e.path).name: e for e in decks.errors}
    assert set(errors) == {"huge.md", "many.md"}
    huge = errors["huge.md"].problems
    assert huge[0].line == body[:MAX_FILE_BYTES].count(b"\n") + 1
    assert huge[0].message.startswith("the file is larger than 64 KB (it is 20.0 MB)")
    [problem] = errors["many.md"].problems
    assert problem.line == line_of(many, f"## Card {MAX_CARDS}\n")
    assert problem.message == f"more than {MAX_CARDS} cards; a deck has at most {MAX_CARDS}"
    assert len(decks.decks) == len(load_decks().decks)  # the built-in ones all still load
