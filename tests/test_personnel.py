"""Figures as reports write them: every row of the README's table, separators, refusals."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from posturemap.geo.personnel import combine, parse_personnel
from posturemap.geo.scenario import load_scenario
from posturemap.geo.settings import DEFAULT_SETTINGS, PERSONNEL_NOUNS, PERSONNEL_RULES

from .conftest import MINIMAL, ROOT


def readme_table() -> list[tuple[list[str], int | None, int | None, int | None]]:
    """The README's personnel table: (examples, min, max, estimate) per row."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Personnel as reports write it", 1)[1].split("\n### ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue

        def number(cell: str) -> int | None:
            return None if cell in ("open", "–", "unknown") else int(cell)

        examples = re.findall(r"`([^`]+)`", cells[0])
        rows.append((examples, number(cells[1]), number(cells[2]), number(cells[3])))
    return rows


TABLE = readme_table()


def test_the_readme_table_is_read():
    assert len(TABLE) >= 20
    assert sum(len(examples) for examples, *_ in TABLE) >= 70


@pytest.mark.parametrize(
    ("examples", "minimum", "maximum", "estimate"), TABLE, ids=[row[0][0] for row in TABLE]
)
def test_every_row_of_the_readme_table(examples, minimum, maximum, estimate):
    for example in examples:
        given_value = None if example == "null" else example
        figure = parse_personnel(given_value)
        assert (figure.minimum, figure.maximum, figure.estimate) == (minimum, maximum, estimate), example
        if given_value is not None:
            assert figure.text == example  # the wording is kept as written


def test_every_vague_word_of_the_settings_has_its_row():
    documented = {examples[0] for examples, *_ in TABLE}
    assert set(DEFAULT_SETTINGS.vague_quantities) <= documented


@pytest.mark.parametrize(
    ("given", "minimum", "maximum", "estimate"),
    [
        (1000, 1000, 1000, 1000),
        (0, 0, 0, 0),
        ("none", 0, 0, 0),
        ("approximately 100", 90, 110, 100),
        ("~100", 90, 110, 100),
        ("1,100+", 1100, None, 1100),
        ("1,000+ troops", 1000, None, 1000),
        ("1,000 troops or so", 900, 1100, 1000),
        ("between about 800 and 1,200 soldiers", 800, 1200, 1000),
        ("one hundred and fifty", 150, 150, 150),
        ("two thousand five hundred", 2500, 2500, 2500),
        ("about a dozen", 11, 13, 12),
        ("over several hundred", 300, None, 600),
        ("SOME 1,000 FRENCH TROOPS", 900, 1100, 1000),
        ("1,000 – 1,100", 1000, 1100, 1050),
        ("about 1,000 U.S. service members", 900, 1100, 1000),
        ("1\u00a0000", None, None, None),  # refused below, see the separators test
    ][:-1],
)
def test_more_wordings(given, minimum, maximum, estimate):
    figure = parse_personnel(given)
    assert (figure.minimum, figure.maximum, figure.estimate) == (minimum, maximum, estimate)
    assert figure.text == str(given)


@pytest.mark.parametrize(
    ("written", "number_format", "fix"),
    [
        ("1.500", "en", "write 1,500 or 1500"),
        ("5.000", "en", "write 5,000 or 5000"),
        ("1 500", "en", "write 1,500 or 1500"),
        ("1\u00a0500", "en", "write 1,500 or 1500"),
        ("about 2.000 troops", "en", "write 2,000 or 2000"),
        ("1.500-2.000", "en", "write 1,500 or 1500"),
        ("10,00", "en", "write 1,000 or 1000"),
        ("1,500", "de", "write 1.500 or 1500"),
        ("1 500", "de", "write 1.500 or 1500"),
        ("1.500", "fr", "write 1 500 or 1500"),
        ("1,500", "fr", "write 1 500 or 1500"),
    ],
)
def test_separators_are_never_guessed(written, number_format, fix):
    with pytest.raises(ValueError, match="never guesses separators") as caught:
        parse_personnel(written, number_format=number_format)
    assert fix in str(caught.value)
    if number_format == "en":
        assert "number_format: de" in str(caught.value)


@pytest.mark.parametrize(
    ("written", "number_format", "estimate"),
    [
        ("1.500", "de", 1500),
        ("etwa 1.500", "de", None),  # only English words; the number format is about digits
        ("about 1.500", "de", 1500),
        ("1.500-2.000", "de", 1750),
        ("1,5k", "de", 1500),
        ("1 500", "fr", 1500),
        ("1\u202f500", "fr", 1500),
        ("1\u00a0500 soldiers", "fr", 1500),
        ("1500", "de", 1500),
        ("1500", "fr", 1500),
    ],
)
def test_a_declared_number_format_reads_its_separators(written, number_format, estimate):
    if estimate is None:
        with pytest.raises(ValueError, match="not a personnel figure"):
            parse_personnel(written, number_format=number_format)
        return
    assert parse_personnel(written, number_format=number_format).estimate == estimate


def test_unquoted_yaml_numbers_are_checked_as_written(write_scenario):
    from posturemap.geo.errors import ScenarioError

    five = MINIMAL.replace('personnel: "about 1,000"', "personnel: 5.000")
    with pytest.raises(ScenarioError, match=r":12: deployments\[0\]\.personnel: .*5,000 or 5000"):
        load_scenario(write_scenario(five))
    german = write_scenario("number_format: de\n" + five, name="de.yaml")
    assert load_scenario(german).deployments[0].personnel.estimate == 5000


@pytest.mark.parametrize(
    "bad",
    [
        *("lots", "a lot", "many", "a large contingent", "about", "100 bananas", "US troops", "troops"),
        *("100 troops and 200 marines", "1,000 troops plus contractors", "up to 1,000-1,500", "1.5"),
    ],
)
def test_unreadable_wordings_are_refused_with_what_is_accepted(bad):
    with pytest.raises(ValueError) as caught:
        parse_personnel(bad)
    message = str(caught.value)
    assert repr(bad) in message
    if "not a personnel figure" in message:
        assert "'a handful'" in message and "about 1,000" in message


@pytest.mark.parametrize("bad", ["-5", -3, True, 12.5, [1], {"count": 1}, "about -1,000"])
def test_bad_values_are_refused(bad):
    with pytest.raises(ValueError, match=r"negative|not a|got a|whole"):
        parse_personnel(bad)


def test_unknown_is_kept_as_unknown():
    figure = parse_personnel(None)
    assert figure.estimate is None and figure.text is None
    assert figure.describe_range() == "unknown"


def test_two_reports_combine_into_their_envelope():
    combined = combine([parse_personnel("about 1,000"), parse_personnel("over a thousand")])
    assert combined.text == "about 1,000; over a thousand"
    assert (combined.minimum, combined.maximum, combined.estimate) == (900, None, 1000)
    assert combined.describe_range() == "at least 900"


# Wordings built from the parts reports use, in every combination.
_hedges = st.sampled_from(["", *(f"{word} " for word, _ in PERSONNEL_RULES)])
_trailing = st.sampled_from(["", " or so", "-odd", "+", " or more", " plus", " or fewer", " at least"])
_nouns = st.sampled_from(["", *(f" {noun}" for noun in PERSONNEL_NOUNS)])
_adjectives = st.sampled_from(["", " French", " US", " special", " Russian military"])
_formats = st.sampled_from(["en", "de", "fr"])


@st.composite
def _numbers(draw, number_format: str) -> str:
    value = draw(st.integers(0, 2_000_000))
    group = {"en": ",", "de": ".", "fr": "\u00a0"}[number_format]
    style = draw(st.sampled_from(["plain", "grouped", "words", "scale"]))
    if style == "grouped":
        return f"{value:,}".replace(",", group)
    if style == "words":
        return draw(st.sampled_from(["a hundred", "two thousand", "a dozen", "one hundred and fifty"]))
    if style == "scale":
        mark = "." if number_format == "en" else ","
        return f"{draw(st.integers(1, 99))}{mark}{draw(st.integers(1, 9))}k"
    return str(value)


@st.composite
def wordings(draw) -> tuple[str, str]:
    number_format = draw(_formats)
    if draw(st.booleans()):
        body = f"{draw(_numbers(number_format))} to {draw(_numbers(number_format))}"
    elif draw(st.integers(0, 4)) == 0:
        body = draw(st.sampled_from(list(DEFAULT_SETTINGS.vague_quantities)))
    else:
        body = draw(_numbers(number_format))
    text = f"{draw(_hedges)}{body}{draw(_trailing)}{draw(_adjectives)}{draw(_nouns)}"
    return text, number_format


def _holds(figure) -> None:
    if figure.estimate is None:
        assert figure.minimum is None and figure.maximum is None
        return
    assert figure.estimate >= 0
    if figure.minimum is not None:
        assert 0 <= figure.minimum <= figure.estimate
    if figure.maximum is not None:
        assert figure.estimate <= figure.maximum


@hypothesis_settings(max_examples=400, deadline=None)
@given(wordings())
def test_any_accepted_wording_has_min_at_most_estimate_at_most_max(wording):
    text, number_format = wording
    try:
        figure = parse_personnel(text, number_format=number_format)
    except ValueError as error:
        assert str(error)  # refused, with a message
        return
    _holds(figure)
    assert figure.text == text.strip()


@hypothesis_settings(max_examples=400, deadline=None)
@given(st.text(max_size=40), _formats)
def test_any_text_is_read_consistently_or_refused(text, number_format):
    try:
        figure = parse_personnel(text, number_format=number_format)
    except ValueError:
        return
    _holds(figure)


def _parsed(value, number_format):
    try:
        return parse_personnel(value, number_format=number_format)
    except ValueError as error:
        return str(error)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.from_regex(r"\s?[0-9]{1,18}(,[0-9]{1,4}){0,5}\s?", fullmatch=True),
    st.sampled_from(["en", "de", "fr"]),
)
def test_a_plain_count_reads_as_the_full_parser_reads_it(text, number_format):
    """Counts skip the parser's steps (the most common figure); the result is the steps' own."""
    import posturemap.geo.personnel as personnel

    quick = _parsed(text, number_format)
    plain_count = personnel._PLAIN_COUNT
    personnel._PLAIN_COUNT = re.compile(r"(?!)")  # matches nothing: every count takes the steps
    try:
        assert quick == _parsed(text, number_format)
    finally:
        personnel._PLAIN_COUNT = plain_count
