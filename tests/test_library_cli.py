"""``peercircle formats ...`` as a facilitator runs it, against a temporary data folder."""

from __future__ import annotations

import stat
from pathlib import Path

from peercircle.sessions.library.agreement import (
    agreement_line,
    default_agreement,
    load_agreement,
    reset_agreement,
    save_agreement,
)
from peercircle.sessions.storage.layout import DataFolder
from tests.commands import cli

MINE = """# Our 60-minute set 🌱

The set as we run it on Thursdays.

- Source: our team (2026)
- Group size: 4-8
- Total: 20 minutes for 6 people
- Presenter: yes

## Present
- Minutes: 5
- Mode: presenter

## Questions
- Minutes each: 3
- Mode: questions
- Deck: heron
- Card: Catalytic
"""


def test_formats_list_shows_builtins_user_formats_and_broken_files(data_dir: Path) -> None:
    folder = data_dir / "formats"
    folder.mkdir(parents=True)
    (folder / "mine.md").write_text(MINE, encoding="utf-8")
    (folder / "broken.md").write_text(MINE.replace("Mode: questions", "Mode: chatting"), encoding="utf-8")
    result = cli("formats", "list", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "action-learning-set" in out and "balint-group" in out
    assert "Our 60-minute set 🌱" in out and "20 min for 6" in out
    assert "INVALID" in out and "broken.md: line 16: unknown speaker mode 'chatting'" in out
    assert "1 yours, 1 invalid" in out


def test_formats_check_explains_every_problem_with_its_line(tmp_path: Path, data_dir: Path) -> None:
    bad = MINE.replace("- Minutes: 5", "- Minutes: five").replace("Mode: questions", "Mode: chatting")
    bad = bad.replace("## Questions", "## Present")
    path = tmp_path / "bad.md"
    path.write_text(bad, encoding="utf-8")
    result = cli("formats", "check", str(path), data_dir=data_dir)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{path}:11: 'Minutes: five' is not a number; write e.g. 'Minutes: 5'" in lines
    assert any(line.startswith(f"{path}:14: phase 'Present' is named twice") for line in lines)
    assert any(line.startswith(f"{path}:16: unknown speaker mode 'chatting'; use one of:") for line in lines)
    assert "3 problems" in lines[-1]


def test_formats_check_passes_a_good_file_and_catches_a_wrong_total(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "mine.md"
    path.write_text(MINE, encoding="utf-8")
    good = cli("formats", "check", str(path), data_dir=data_dir)
    assert good.returncode == 0, good.stdout
    assert "OK" in good.stdout and "2 phases" in good.stdout
    path.write_text(MINE.replace("20 minutes", "25 minutes"), encoding="utf-8")
    wrong = cli("formats", "check", str(path), data_dir=data_dir)
    assert wrong.returncode == 1
    assert "add up to 20 minutes for 6 people, not 25" in wrong.stdout


def test_formats_check_of_a_copy_with_a_builtin_name_says_so(tmp_path: Path, data_dir: Path) -> None:
    shown = cli("formats", "show", "balint-group", data_dir=data_dir)
    assert shown.returncode == 0 and shown.stdout.startswith("# Balint group")
    path = tmp_path / "balint-copy.md"
    path.write_text(shown.stdout, encoding="utf-8")
    result = cli("formats", "check", str(path), data_dir=data_dir)
    assert result.returncode == 1
    assert "already used by a built-in format" in result.stdout


def test_formats_bad_arguments_are_one_line_and_status_2(tmp_path: Path, data_dir: Path) -> None:
    for args in (
        ("formats",),
        ("formats", "check"),
        ("formats", "show", "nope"),
        ("formats", "check", "nope.md"),
    ):
        result = cli(*args, data_dir=data_dir)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 or "usage" in result.stderr
        assert "Traceback" not in result.stderr
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00")
    result = cli("formats", "check", str(binary), data_dir=data_dir)
    assert result.returncode == 1 and "not UTF-8" in result.stdout


def test_the_default_agreement_covers_what_a_group_must_agree() -> None:
    text = default_agreement().lower()
    for words in ("confidential", "codes of practice", "record", "deleted", "pass", "anonymis"):
        assert words in text, words
    line = agreement_line(default_agreement())
    assert "\n" not in line and line.count(";") >= 3


def test_the_agreement_and_the_readme_say_what_really_happens_to_private_notes() -> None:
    """The agreement promised private notes were 'never shown on screen', yet facilitator
    view shows them: the group must be told when they can appear and how they leave."""
    (line,) = [line for line in default_agreement().splitlines() if "Private notes:" in line]
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    readme_notes = " ".join(readme.split("Notes come in three kinds.")[1].split("\n\n")[0].split())
    for text in (line, readme_notes):
        assert "never shown" not in text and "never exported" not in text
        for words in ("only in facilitator view", "projector view", "hidden", "`p`", "--include-private"):
            assert words in text, (words, text)


def test_an_edited_agreement_is_kept_privately_and_can_be_reset(data_dir: Path) -> None:
    save_agreement(
        DataFolder(data_dir).agreement, "# Ours\n\n## Phones away\n\n## What is said here stays here\n"
    )
    path = data_dir / "agreement.md"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_agreement(path).startswith("# Ours")
    assert agreement_line(load_agreement(path)) == "Phones away; What is said here stays here"
    reset_agreement(path)
    assert load_agreement(path) == default_agreement()
    # An agreement of plain lines keeps every point in the record's one line, not the first
    # alone (a group's "We keep to time.\nWhat is said here stays here." lost its second).
    assert agreement_line("Just one line of words\nand more") == "Just one line of words and more"
    assert agreement_line("We keep to time.\n\nWhat is said here stays here.") == (
        "We keep to time. What is said here stays here."
    )
    listed = "- Phones away\n- Stay on time\nCameras on"
    assert agreement_line(listed) == "Phones away; Stay on time; Cameras on"


def test_formats_check_finds_a_bare_name_in_the_formats_folder(data_dir: Path) -> None:
    folder = data_dir / "formats"
    folder.mkdir(parents=True)
    (folder / "mine.md").write_text(MINE.replace("- Minutes: 5", "- Minutes: soon"), encoding="utf-8")
    result = cli("formats", "check", "mine.md", data_dir=data_dir)
    assert result.returncode == 1
    assert f"{folder / 'mine.md'}:11: 'Minutes: soon' is not a number" in result.stdout


def test_escape_sequences_in_a_format_file_never_reach_the_terminal(data_dir: Path) -> None:
    # A screen clear in the name, a clipboard write (OSC 52) and a bell in a rule: what a
    # hostile or damaged format file could make 'formats list/show/check' send to a terminal.
    hostile = (
        "# Clear\x1b[2J\x1b[H me\n\n- Source: tests\n- Presenter: no\n\n"
        "## Talk\x1b]52;c;aGVsbG8=\x07 now\n- Minutes: 5\n- Mode: open\n- Rule: Ring\x07 the \x9b31m bell\n"
    )
    folder = data_dir / "formats"
    folder.mkdir(parents=True)
    (folder / "hostile.md").write_text(hostile, encoding="utf-8")
    outputs = [
        cli("formats", "list", data_dir=data_dir),
        cli("formats", "check", str(folder / "hostile.md"), data_dir=data_dir),
        cli("formats", "show", "hostile", data_dir=data_dir),
    ]
    for result in outputs:
        text = result.stdout + result.stderr
        assert "Traceback" not in text
        assert not any(char in text for char in "\x1b\x07\x9b"), repr(text)
    assert "Clear me" in outputs[0].stdout  # the name, without what it tried to send


def test_formats_check_passes_every_built_in_format_file(data_dir: Path) -> None:
    """Checking a shipped file said its name 'is already used by a built-in format': the
    built-in it clashed with was itself. A copy elsewhere still clashes, as it should."""
    from importlib import resources

    folder = resources.files("peercircle.content").joinpath("formats")
    names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".md"))
    assert len(names) >= 20
    result = cli("formats", "check", *(str(folder.joinpath(n)) for n in names), data_dir=data_dir)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count(": OK.") == len(names), result.stdout
    copy = data_dir.parent / "clear.md"
    copy.write_text(folder.joinpath("clear.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("formats", "check", str(copy), data_dir=data_dir)
    assert result.returncode == 1 and "already used by a built-in format" in result.stdout
