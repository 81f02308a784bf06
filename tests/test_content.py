"""The built-in decks, formats and agreement say what their sources say (issue 17).

The supervisor resource they were checked against (the SSSC's NQSW supervisor resources)
and the formats' published sources are not part of the project; these tests hold the facts
that can be checked mechanically: names, questions, authors, stages, the words used for the
presenter, and the agreement's sentences about what the app really does with notes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peercircle.sessions.library.agreement import agreement_line, default_agreement
from peercircle.sessions.library.decks import Deck, load_decks
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage import layout
from peercircle.sessions.storage.layout import DataFolder
from peercircle.sessions.storage.settings import Settings
from peercircle.tui.cli import _parser
from peercircle.tui.screens.history import HistoryScreen
from peercircle.tui.screens.live_state import NOTE_LABELS
from peercircle.tui.screens.summary import SummaryScreen

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
DECKS = load_decks()
FORMATS = load_library()


def deck(deck_id: str) -> Deck:
    found = DECKS.get(deck_id)
    assert found is not None, deck_id
    return found


def card_text(deck_id: str, title: str) -> str:
    """A card's words (body and prompts) in one line, to search."""
    card = deck(deck_id).card(title)
    assert card is not None, (deck_id, title)
    return " ".join([card.body, *card.prompts])


def fmt(format_id: str) -> Format:
    found = FORMATS.get(format_id)
    assert found is not None, format_id
    return found


def test_every_deck_and_format_still_loads() -> None:
    assert DECKS.errors == () and FORMATS.errors == ()
    assert len(DECKS.decks) == 14 and len(FORMATS.formats) == 24


# -- decks -------------------------------------------------------------------------------


def test_the_developmental_levels_have_the_resources_names_and_questions() -> None:
    titles = [c.title for c in deck("developmental-levels").cards]
    assert titles[:4] == [
        "Level 1: self-centred",
        "Level 2: client-centred",
        "Level 3: process-centred",
        "Level 4: process-in-context centred",
    ]
    questions = {
        "Level 1: self-centred": '"Can I make it in this work?"',
        "Level 2: client-centred": '"Can I help this client make it?"',
        "Level 3: process-centred": '"How are we relating together?"',
        "Level 4: process-in-context centred": '"How do processes interpenetrate?"',
    }
    for title, question in questions.items():
        assert card_text("developmental-levels", title).startswith(question), title
    # What each level needs from a supervisor.
    assert "safe, structured container and regular positive feedback" in card_text(
        "developmental-levels", "Level 1: self-centred"
    )
    assert "less direct advice" in card_text("developmental-levels", "Level 2: client-centred")
    assert "co-productive" in card_text("developmental-levels", "Level 3: process-centred")
    # Stoltenberg's own top level is kept, with a note on how it relates to level 4.
    integrated = card_text("developmental-levels", "Level 3i: integrated")
    assert "level 4" in integrated
    domains = card_text("developmental-levels", "Motivation, autonomy and awareness").lower()
    assert all(word in domains for word in ("motivation", "autonomy", "awareness"))
    assert "worked in care before qualifying" in card_text("developmental-levels", "Levels vary by area")
    assert titles[-3:] == [
        "Supervisors: becoming a supervisor",
        "Supervisors: making connections",
        "Supervisors: integrating theory and style",
    ]
    assert "Allyson Davys & Liz Beddoe" in deck("developmental-levels").source


def test_herons_prescriptive_card_lets_a_supervisor_direct() -> None:
    heron = deck("heron")
    assert [c.title for c in heron.cards] == [
        "Prescriptive",
        "Informative",
        "Confronting",
        "Cathartic",
        "Catalytic",
        "Supportive",
    ]
    prescriptive = card_text("heron", "Prescriptive")
    assert "sparingly" not in prescriptive and "only when advice is wanted" not in prescriptive
    assert "A supervisor sometimes must direct" in prescriptive
    assert "Among peers, offer advice when it is asked for." in prescriptive
    assert "Supervision needs both" in heron.purpose
    assert "above all cathartic and catalytic" in heron.purpose
    assert "supervisors' circle" in heron.purpose


def test_the_online_deck_has_the_practical_tips() -> None:
    text = " ".join(card_text("virtual-supervision", c.title) for c in deck("virtual-supervision").cards)
    for tip in (
        "wired connection",
        "rejoining, then phone",
        "Camera level with your face, about an arm's length away",
        "nothing bright behind you",
        "Look into the webcam some of the time, above all at emotional moments",
        "turn self-view off",
        "virtual or blurred background",
        "Give the check-in longer",
        "how the screen helps or gets in the way",
        "more warmth and concern on your face",
        "lower the intensity",
    ):
        assert tip in text, tip


def test_proctor_adds_morale_understanding_people_and_morrisons_four_functions() -> None:
    assert "building morale and confidence" in card_text("proctor", "Restorative")
    assert "a better understanding of the people who use services" in card_text("proctor", "Formative")
    morrison = card_text("proctor", "Morrison's four functions")
    for function in ("management", "development", "support", "mediation"):
        assert function in morrison, function
    assert "Morrison" in deck("proctor").source


def test_smart_gives_the_timeframe_and_a_supervisors_own_goals() -> None:
    titles = [c.title for c in deck("smart").cards]
    assert titles[:5] == ["Specific", "Measurable", "Achievable", "Relevant", "Timeframe"]
    assert "try three to six months" in card_text("smart", "Timeframe")
    goals = card_text("smart", "Your own development goals")
    assert all(
        f"{word}:" in goals for word in ("Specific", "Measurable", "Achievable", "Relevant", "Timeframe")
    )
    record = card_text("smart", "Accountability and the learning record")
    assert "your manager" in record and "professional learning record" in record and "appraisal" in record


def test_desc_has_the_supervisors_tips_and_a_card_for_speaking_to_an_nqsw() -> None:
    assert [c.title for c in deck("desc").cards][:4] == ["Describe", "Express", "Specify", "Consequences"]
    tips = card_text("desc", "Supervisor's tips")
    assert "supervision contract" in tips
    assert "personal reflection or a managerial view" in tips
    assert "Stay with the awkwardness" in tips
    assert "newly qualified worker" in card_text("desc", "A supervisor speaking to an NQSW")


def test_the_seven_eyed_edition_and_one_commitment_scale() -> None:
    assert "Peter Hawkins & Aisling McMahon (2020)" in deck("seven-eyed").source
    scales = [
        line
        for line in [*card_text("grow-questions", "Will").split("- "), *fmt("grow").phases[-1].prompts]
        if "committed" in line
    ]
    assert scales and all("from 0 to 10" in line for line in scales)


def test_wellbeing_has_compassion_signposting_and_support_agreed_at_the_outset() -> None:
    assert "can wear down the capacity to care" in card_text("wellbeing", "Compassion fatigue")
    assert "seeing things get better" in card_text("wellbeing", "Compassion satisfaction")
    assert "they do not turn into counselling" in card_text("wellbeing", "More than supervision can hold")
    assert "at the outset" in card_text("wellbeing", "Who to tell")


def test_the_new_decks_cover_learning_culture_knowledge_and_power() -> None:
    culture = [c.title for c in deck("learning-culture").cards]
    assert culture[:4] == [
        "Learning from problems",
        "Commitment to professional learning",
        "Room for judgement",
        "The emotional impact",
    ]
    assert "Kettle" in deck("learning-culture").source
    stick = card_text("learning-culture", "Making a new practice stick")
    for word in ("Teachable", "Learnable", "Doable", "Assessable", "Scalable"):
        assert f"{word}:" in stick, word
    assert [c.title for c in deck("knowledge-types").cards][:5] == [
        "Theoretical knowledge",
        "Empirical knowledge",
        "Procedural knowledge",
        "Practice wisdom",
        "Personal knowledge",
    ]
    for form in ("gibbs-cycle", "kolb-4x4x4"):
        (analysis,) = [p for p in fmt(form).phases if p.name == "Analysis"]
        assert analysis.deck == "knowledge-types", form
    power = deck("diversity-and-power")
    assert "anti-oppressive practice" in card_text("diversity-and-power", "Protected characteristics")
    assert "Organisational power" in [c.title for c in power.cards]


KEPT_CARDS = {
    # A format file names a card by its title ("- Card: 2. Interventions"), and a title that
    # disappears makes a facilitator's own format unusable. Issue 17 renamed only what it had
    # to: the levels' names and SMART's T (Time-bound became Timeframe).
    "seven-eyed": [
        "1. The client",
        "2. Interventions",
        "3. The relationship",
        "4. The supervisee",
        "5. The supervisory relationship",
        "6. The supervisor",
        "7. The wider context",
    ],
    "virtual-supervision": [
        "A private space",
        "Camera and microphone",
        "If the connection drops",
        "Sharing the screen",
        "Breaks",
        "Using the chat",
        "Recording off",
        "Closing the call",
        "After the call",
    ],
    "developmental-levels": ["Level 3i: integrated", "Levels vary by area", "Pitching supervision"],
    "wellbeing": [
        "Workload",
        "Support around you",
        "Boundaries",
        "Vicarious trauma",
        "What sustains you",
        "Who to tell",
    ],
    "smart": ["Specific", "Measurable", "Achievable", "Relevant", "Who and by when"],
    "proctor": ["Normative", "Formative", "Restorative", "Balance"],
    "desc": ["Describe", "Express", "Specify", "Consequences", "With a colleague or manager"],
    "grow-questions": ["Goal", "Reality", "Options", "Will", "Coming back to GROW"],
}


@pytest.mark.parametrize("deck_id", list(KEPT_CARDS))
def test_the_cards_a_format_may_name_are_still_there(deck_id: str) -> None:
    titles = [c.title for c in deck(deck_id).cards]
    assert [t for t in KEPT_CARDS[deck_id] if t not in titles] == []


# -- formats ----------------------------------------------------------------------------


def test_the_authors_and_sources_are_the_right_ones() -> None:
    assert fmt("structured-group-supervision").source.startswith(
        "Wilbur, Roberts-Wilbur, Morris, Betz and Hart (1991)"
    )
    assert "K. Proctor 1997" in fmt("reflecting-team").source
    intervision = fmt("intervision")
    assert "intervisie" in intervision.source and "Staempfli" in intervision.source
    assert "England" not in intervision.purpose
    wsnw = fmt("what-so-what-now-what").source
    assert "Terry Borton (1970)" in wsnw
    assert "Gary Rolfe, Dawn Freshwater and Melanie Jasper (2001)" in wsnw
    for check in ("check-in-round", "check-out-round"):
        assert fmt(check).timings == "suggested" and "common practice" in fmt(check).source


def test_clears_five_stages_with_reflecting_back_inside_listen() -> None:
    clear = fmt("clear")
    stages = [p.name.split(":")[0] for p in clear.phases]
    assert list(dict.fromkeys(stages)) == ["Contract", "Listen", "Explore", "Action", "Review"]
    assert "Contract, Listen, Explore, Action and Review" in clear.purpose
    assert "our addition" in clear.purpose


def test_kollegiale_beratung_says_its_seventh_phase_is_part_of_tietzes_second() -> None:
    kb = fmt("kollegiale-beratung")
    assert len(kb.phases) == 7 and "six phases" in kb.purpose and "so there are seven" in kb.purpose


def test_no_format_calls_the_presenter_a_client_or_plays_a_recording() -> None:
    for form in FORMATS.formats:
        words = [*form.roles, *(p.name for p in form.phases), *(p.rule for p in form.phases)]
        words += [prompt for p in form.phases for prompt in p.prompts]
        assert not any(re.search(r"\bclients?\b", w, re.IGNORECASE) for w in words), form.id
        # The purpose may only quote the Liberating Structures word, in quotes.
        assert not re.search(r'(?<!")\bclient\b(?!")', form.purpose, re.IGNORECASE), form.id
        assert "recording" not in " ".join(p.rule for p in form.phases), form.id
    assert "imaginings" in fmt("balint-group").phases[2].rule
    assert "fantasies" not in fmt("balint-group").phases[2].rule


# -- the agreement ----------------------------------------------------------------------

AGREEMENT = default_agreement()


def agreement_bullet(words: str) -> str:
    (line,) = [line for line in AGREEMENT.splitlines() if words in line]
    return line


def test_private_notes_read_the_same_in_the_agreement_the_live_screen_and_the_readme() -> None:
    label = NOTE_LABELS["private"]
    assert label.startswith("Private notes: ")
    shared = label.removeprefix("Private notes: ")
    assert shared == "facilitator view only; exported only if asked for"
    line = agreement_bullet("Private notes:")
    readme = " ".join(README.split("Notes come in three kinds.")[1].split("\n\n")[0].split())
    for text in (line, readme):
        assert shared in text
    # What the sentence promises is what the app does: the summary's p and the command line.
    assert any(b.key == "p" and b.action == "private" for b in SummaryScreen.BINDINGS)
    args = _parser().parse_args(["export", "abc", "--include-private"])
    assert args.include_private


def test_the_agreement_says_deleting_is_the_facilitators_task_as_retention_is_off(tmp_path: Path) -> None:
    assert Settings().retention_days is None
    assert Settings.load(tmp_path).retention_days is None  # nothing set, nothing deleted
    line = agreement_bullet("Deleting notes")
    assert line.startswith("- Nothing is deleted by itself. Deleting notes is the facilitator's task")
    assert "`d` in the history" in line and "`peercircle retention`" in line
    assert any(b.key == "d" for b in HistoryScreen.BINDINGS)
    assert _parser().parse_args(["retention", "90d"]).age == "90d"
    assert "Notes are deleted once actions are followed up" not in AGREEMENT


def test_the_agreement_says_where_exports_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(layout, "documents_dir", lambda: documents)
    monkeypatch.delenv(layout.ENV_HOME, raising=False)
    monkeypatch.delenv(layout.ENV_EXPORTS, raising=False)
    assert DataFolder(tmp_path / "data").export_dir() == documents / "peercircle"
    monkeypatch.setenv(layout.ENV_EXPORTS, str(tmp_path / "chosen"))
    assert DataFolder(tmp_path / "data").export_dir() == tmp_path / "chosen"
    line = agreement_bullet("Exports are saved")
    assert "a `peercircle` folder in Documents (or a folder the facilitator has chosen)" in line
    assert "synced to cloud storage" in line
    assert "work device" in agreement_bullet("sends nothing over the network")
    assert "information-governance" in agreement_bullet("sends nothing over the network")
    assert "Notes stay on this computer only" not in AGREEMENT


@pytest.mark.parametrize(
    "words",
    [
        # The case record, kept by the worker who holds the case; process notes go only then.
        "go on that person's case record, written by the worker who holds the case; only then may",
        # What is optional, and whether anything reaches managers or the assessment.
        "Coming to this group is ______",
        "goes to line managers or into anyone's supported-year assessment",
        # Employee support, and local protection procedures beside the limits.
        "Employee support (employee assistance, counselling or debriefing)",
        "local child protection or adult support and protection procedures",
        # Difference and power, not only "respect difference".
        "protected characteristics",
        "anti-oppressive practice",
        # Agreeing the record at the close, and a review date.
        "reads back the actions (what, who, by when)",
        "at the latest by ______",
        # Initials are for people who use services.
        "Notes name people who use services and their families by initials only",
    ],
)
def test_the_agreement_covers_what_a_contract_should(words: str) -> None:
    assert words in AGREEMENT


def test_the_agreements_sections_in_one_line() -> None:
    assert agreement_line(AGREEMENT) == (
        "Confidentiality and its limits; What is optional, and who sees what; What we record; "
        "Airtime and the right to pass; Anonymising people who use services; Difference and power; "
        "Looking after each other; Review"
    )
