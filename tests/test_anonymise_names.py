"""Anonymising finds names as people really type them: without their accents, with
decomposed accents (as macOS pastes them), next to digits or underscores; the command line
takes the same comma list as the app's dialog; and a record that would still hold a name
is never made."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercircle.sessions.engine.session import Session
from peercircle.sessions.records import anonymise as anonymise_module
from peercircle.sessions.records.anonymise import NamesLeftError, fold, make_anonymiser
from peercircle.sessions.records.export import render_learning_record, render_markdown
from peercircle.sessions.records.summary import summarise
from peercircle.sessions.storage.store import SessionStore
from tests.commands import cli
from tests.past_sessions import past_session

PEOPLE = ("Siobhán Kelly", "Zoë", "Seán", "Ann Smith")


def _left(text: str, name: str) -> bool:
    """Whether ``name`` still stands as a word in ``text``, judged independently of the
    anonymiser: accents off both, any case, letters on neither side."""
    plain = fold(unicodedata.normalize("NFC", text)).casefold()
    word = re.escape(fold(name).casefold())
    return re.search(rf"(?<![^\W\d_]){word}(?![^\W\d_])", plain) is not None


@pytest.mark.parametrize(
    "typed",
    [
        "Siobhan said",  # typed without the accent
        "SIOBHAN said",
        "Siobha\u0301n said",  # decomposed, as macOS pastes it
        "Zoe said",
        "Zoe\u0308 said",
        "Sean said",
        "Kelly said",
        "Ann_Smith said",  # in a file name or handle
        "Ann2 said",
        "2Ann said",
        "ann_smith@council.example said",
    ],
)
def test_names_typed_as_people_type_them_are_hidden(typed: str) -> None:
    hide = make_anonymiser(PEOPLE)
    out = hide.apply(typed)
    assert out.endswith(" said")
    assert not any(_left(out, part) for p in PEOPLE for part in (p, *p.split())), out


def test_names_written_decomposed_in_the_group_match_composed_notes() -> None:
    hide = make_anonymiser(["Sea\u0301n", "Zoe\u0308"])
    assert hide.apply("Seán and Zoë and Sean") == "S. and Z. and S."


def test_words_that_contain_a_name_stay() -> None:
    hide = make_anonymiser(["Ann", "Sean"])
    text = "Annual review, planned with Joanna; Seance; Ann-Marie"
    assert hide.apply(text) == "Annual review, planned with Joanna; Seance; A.-Marie"


def test_a_possessive_keeps_its_own_apostrophe() -> None:
    hide = make_anonymiser(["Zoë"])
    assert hide.apply("Zoe’s plan and Zoë's notes") == "Z.’s plan and Z.'s notes"


def test_two_people_whose_names_differ_only_by_an_accent_keep_their_own_pseudonyms() -> None:
    hide = make_anonymiser(["Zoe", "Zoë"])
    assert hide.name("Zoe") != hide.name("Zoë")
    # Written either way, the name could be either person's: both pseudonyms, never one.
    assert hide.apply("Zoe") == hide.apply("Zoë") == "Z./Z2."


letters = st.sampled_from(list("abcdefghijklmnoprstuvwyzáéíóúàèëïöüçñøåłßÁÉÖÑ"))
names = st.lists(letters, min_size=2, max_size=8).map(lambda cs: "".join(cs).capitalize())
around = st.sampled_from(["", " ", "_", "2", "-", ".", "'s", "’", "(", ")", ", ", "\n", "__", "12"])


@settings(max_examples=300, deadline=None)
@given(
    people=st.lists(names, min_size=1, max_size=4, unique_by=lambda n: fold(n).casefold()),
    pieces=st.lists(
        st.tuples(around, st.integers(0, 3), st.sampled_from(["NFC", "NFD"]), around), max_size=6
    ),
)
def test_no_name_survives_anonymising_however_it_is_written(
    people: list[str], pieces: list[tuple[str, int, str, str]]
) -> None:
    hide = make_anonymiser(people)
    text = "".join(
        before + unicodedata.normalize(form, people[i % len(people)]) + after
        for before, i, form, after in pieces
    )
    out = hide.apply(text)
    assert hide.names_left([out]) == []
    aliases = set(hide.mapping.values())
    for person in people:
        stripped = out
        for alias in sorted(aliases, key=len, reverse=True):
            stripped = stripped.replace(alias, " ")
        assert not _left(stripped, person), (text, out)


# -- the command line and the guard -------------------------------------------------------------


@pytest.fixture
def with_morag(data_dir: Path) -> Session:
    return past_session(
        SessionStore(data_dir),
        datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        format_id="action-learning-set",
        people=("Siobhán", "Ben", "Ciara"),
        shared="Siobhan visited Morag and J at home; Ben_2 took notes",
        actions="Ciara: call Morag's GP",
    )


def test_also_hide_takes_a_comma_list_like_the_app(with_morag: Session, data_dir: Path) -> None:
    result = cli("export", with_morag.meta.id, "--also-hide", "Morag, J", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    body = result.stdout
    assert "anonymised: true" in body
    for name in ("Morag", "Siobhan", "Siobhán", "Ben", "Ciara"):
        assert not _left(body.split("---", 2)[2], name), name
    assert "Person 1" in body and "Person 2" in body  # Morag and J
    assert "visited Person 1 and Person 2 at home" in body


def test_also_hide_repeated_and_listed_give_the_same_record(with_morag: Session, data_dir: Path) -> None:
    listed = cli("export", with_morag.meta.id, "--also-hide", "Morag; J", data_dir=data_dir)
    repeated = cli(
        "export", with_morag.meta.id, "--also-hide", "Morag", "--also-hide", "J", data_dir=data_dir
    )
    assert listed.returncode == repeated.returncode == 0
    assert listed.stdout == repeated.stdout


def test_a_record_that_would_still_hold_a_name_is_not_made(
    with_morag: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = summarise(with_morag)
    hide = make_anonymiser(summary.roster, extra=("Morag",))
    real = anonymise_module.anonymise_summary

    def forgets_the_agreement(summary, anonymiser):  # type: ignore[no-untyped-def]
        # A field added later that nobody passed through the anonymiser.
        return dataclasses.replace(real(summary, anonymiser), agreement="Ciara agreed to chair")

    monkeypatch.setattr("peercircle.sessions.records.export.anonymise_summary", forgets_the_agreement)
    with pytest.raises(NamesLeftError, match="Ciara"):
        render_markdown(summary, anonymiser=hide)


def test_the_learning_record_is_checked_too(with_morag: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = summarise(with_morag)
    hide = make_anonymiser(summary.roster, extra=("Morag",))
    assert "Morag" not in render_learning_record(summary, "Ciara", hide)
    # An anonymiser that stopped matching a name is caught before the record is made.
    monkeypatch.setattr(type(hide), "apply", lambda self, text: text)
    with pytest.raises(NamesLeftError, match="Morag"):
        render_learning_record(summary, "Ciara", hide)


def test_the_command_writes_nothing_that_would_still_name_someone(
    with_morag: Session, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from peercircle.tui.cli import main

    real = anonymise_module.anonymise_summary
    monkeypatch.setattr(
        "peercircle.sessions.records.export.anonymise_summary",
        lambda summary, anonymiser: dataclasses.replace(real(summary, anonymiser), agreement="Ben chairs"),
    )
    out = tmp_path / "one.md"
    args = ["--data-dir", str(data_dir), "export", with_morag.meta.id, "--anonymise"]
    assert main([*args, "-o", str(out)]) == 2
    assert not out.exists()
    assert "would still hold 'Ben'" in capsys.readouterr().err
    folder = tmp_path / "all"
    assert main(["--data-dir", str(data_dir), "export", "--all", "--anonymise", "-o", str(folder)]) == 1
    assert list(folder.iterdir()) == []
    assert "1 not written because a name would have stayed in them" in capsys.readouterr().err


# -- whose words: the same names, typed the same ways, find their owner ---------------------------


@pytest.mark.parametrize("typed", ["Sean", "SEAN", "Sea\u0301n", "Seán"])
def test_an_action_typed_without_the_accent_falls_to_its_person(typed: str) -> None:
    from peercircle.sessions.records.actions import parse_action

    action = parse_action(f"{typed}: check the chronology by Friday", None, ("Seán", "Ann"))
    assert action.owners == ("Seán",)
    assert action.what == "check the chronology"
    assert action.when == "by Friday"


def test_a_note_line_typed_without_the_accent_is_in_their_learning_record(data_dir: Path) -> None:
    session = past_session(
        SessionStore(data_dir),
        datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        format_id="action-learning-set",
        people=("Siobhán", "Zoë", "Ann"),
        shared="Siobhan: the family moved twice\nZoe\u0308: ask the school\nAnn: nothing from me",
    )
    summary = summarise(session)
    siobhan = render_learning_record(summary, "Siobhán")
    assert "- the family moved twice" in siobhan and "ask the school" not in siobhan
    zoe = render_learning_record(summary, "Zoë")
    assert "- ask the school" in zoe and "\u0308" not in zoe and "family" not in zoe


def test_zoe_and_zoe_with_an_accent_each_keep_their_own_lines() -> None:
    from peercircle.sessions.records.actions import starts_with_person

    people = ("Zoe", "Zoë", "Ann", "Ann Smith")
    assert starts_with_person("Zoë: mine", people) == ("Zoë", "mine", True)
    assert starts_with_person("Zoe: mine", people) == ("Zoe", "mine", True)
    assert starts_with_person("Ann Smith: mine", people) == ("Ann Smith", "mine", True)
    assert starts_with_person("Ann to call the GP", people) == ("Ann", "Ann to call the GP", False)


@pytest.mark.parametrize("alias", ["Bén", "BEN", "Siobhan", "Kelly"])
def test_a_pseudonym_that_reads_as_another_persons_name_is_refused(alias: str) -> None:
    from peercircle.sessions.records.anonymise import pseudonym_problems
    from peercircle.tui.screens.record_options import parse_pseudonyms

    people = ("Ann", "Ben", "Siobhán Kelly")
    assert pseudonym_problems(people, {"Ann": alias}) != []
    chosen, problems = parse_pseudonyms(f"Ann={alias}", people)
    assert chosen == {} and problems == [f"{alias} is someone's real name; choose another pseudonym for Ann"]
    assert pseudonym_problems(people, {"Ann": "Ash", "Ben": "Ásh"}) == [
        "Ann and Ben both have the pseudonym Ásh; give each their own"
    ]
    assert pseudonym_problems(people, {"Siobhán Kelly": "Siobhan"}) == []  # her own name: no one else's


def test_the_command_refuses_a_pseudonym_that_is_someone_elses_name(
    with_morag: Session, data_dir: Path
) -> None:
    result = cli("export", with_morag.meta.id, "--pseudonym", "Ciara=Bén", data_dir=data_dir)
    assert result.returncode == 2
    assert "is the name of Ben" in result.stderr and result.stdout == ""


def test_a_learning_record_is_asked_for_with_or_without_accents(with_morag: Session, data_dir: Path) -> None:
    from peercircle.sessions.records.export import find_person

    summary = summarise(with_morag)
    assert find_person(summary, "Siobhan") == find_person(summary, "SIOBHÁN") == "Siobhán"
    result = cli("export", with_morag.meta.id, "--learning-record", "siobhan", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "Learning record: Siobhán" in result.stdout
