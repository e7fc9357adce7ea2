"""`posturemap draft`: report texts to a draft scenario that cites a paragraph for everything it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posturemap.cli import main
from posturemap.geo.draft import CHOOSE_DATE, draft_scenario
from posturemap.geo.errors import ScenarioError
from posturemap.geo.reports import parse_html, parse_report, read_report, sentences
from posturemap.geo.scenario import load_scenario

from .conftest import NIGER, ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
REPORTS = Path(__file__).parent / "reports"
#: Our own test reports: what a reader finds in them (places, and figures with their paragraph).
OWN = {
    "drawdown_mali.txt": {
        "places": {"Gao", "Timbuktu", "Niamey", "Niger", "Chad", "Ménaka"},
        "figures": {
            ("about 2,400 French soldiers", 1),
            ("roughly 400 French troops", 2),
            ("a few hundred soldiers", 3),  # whose, the text does not say: a comment
        },
    },
    "sahel_rotation.txt": {
        "places": {"Niger", "Tillia", "Tahoua", "Niamey", "Agadez", "Bamako", "Timbuktu"},
        "figures": {
            ("More than 100 German troops", 1),
            ("40 German personnel", 1),
            ("some 350 Italian soldiers", 2),
            ("1,100 U.S. troops", 3),
            ("Several hundred Russian instructors", 4),
        },
    },
    # Written after the rest of `draft` to try it on a text it had not seen; what it
    # cannot attach (a nation or place the sentence leaves open) stays a comment.
    "barkhane_notes.txt": {
        "places": {
            "France",
            "Mali",
            "Niger",
            "Chad",
            "Burkina Faso",
            "Mauritania",
            "N'Djamena",
            "Gao",
            "Paris",
        },
        "figures": {
            ("about 4,000 troops", 1),
            ("some 5,100 soldiers", 1),
            ("roughly 90 personnel", 2),
            ("Up to 2,500 French troops", 3),
        },
    },
    "chad_html.html": {
        "places": {"N'Djamena", "Chad", "Abéché"},
        "figures": {
            ("about 1,000 French troops", 1),
            ("Some 80 Hungarian soldiers", 2),
            ("an estimated 150 Chadian gendarmes", 2),
        },
    },
}


def chosen(text: str) -> str:
    """The draft once a person has chosen the phases' dates."""
    marker = f"date: {CHOOSE_DATE}"
    return text.replace(marker, "date: 2024-01-01", 1).replace(marker, "date: 2024-09-01", 1)


def drafted(paths) -> tuple[str, dict]:
    text = draft_scenario([str(path) for path in paths])
    return text, yaml.safe_load(chosen(text))


def figures_of(document) -> set[tuple[str, str]]:
    """(wording, citation) of every candidate deployment's figures."""
    found = set()
    for record in document["deployments"]:
        personnel = record["personnel"]
        if isinstance(personnel, list):
            found |= {(figure["value"], figure["sources"][0]) for figure in personnel}
        else:
            found.add((personnel, record["sources"][0]))
    return found


def paragraph(reports: dict, citation: str) -> str:
    source, _, number = citation.partition("#")
    return reports[source].paragraphs[int(number) - 1]


def assert_invents_nothing(text: str, document: dict, reports: dict) -> None:
    """Every figure, place, event and anchor of the draft is in the paragraph it cites."""
    for wording, citation in figures_of(document):
        assert wording in paragraph(reports, citation), (wording, citation)
    places = {place["id"]: place for place in document["places"]}
    for place in places.values():
        assert place["note"] in "\n".join(p for r in reports.values() for p in r.paragraphs)
        assert place["query"] in place["note"]
    for record in document["deployments"]:
        citations = (
            [f["sources"][0] for f in record["personnel"]] if isinstance(record["personnel"], list) else []
        )
        for citation in citations or record["sources"]:
            report = reports[citation.partition("#")[0]]
            assert places[record["place"]]["query"] in " ".join(report.paragraphs), record
    for event in document["events"]:
        assert event["text"] in paragraph(reports, event["sources"][0])
    for citation in re.findall(r"\b([\w.-]+)#(\d+)\b", text):
        assert 1 <= int(citation[1]) <= len(reports[citation[0]].paragraphs), citation


def test_paragraphs_are_numbered_as_the_format_counts_them():
    with_headline = parse_report("Troops leave Gao\n\nFirst paragraph. More.\n\nSecond one.\n")
    assert with_headline.title == "Troops leave Gao" and with_headline.paragraphs == (
        "First paragraph. More.",
        "Second one.",
    )
    no_headline = parse_report("One line is a paragraph.\nSo is this one.\n")
    assert no_headline.paragraphs == ("One line is a paragraph.", "So is this one.")
    assert no_headline.title == "One line is a paragraph."
    page = parse_html(
        "<title>T</title><h1>Head</h1><script>var x = '9 troops'</script><p>A <b>b</b>.</p><p>C.</p>"
    )
    assert (page.title, page.paragraphs) == ("Head", ("A b.", "C."))


def test_sentences_do_not_break_at_abbreviations():
    assert sentences("About 1,000 U.S. troops remain. Gen. Smith left. Then?") == [
        "About 1,000 U.S. troops remain.",
        "Gen. Smith left.",
        "Then?",
    ]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed reports sit beside the repository")
def test_the_seeds_give_what_the_niger_scenario_cites():
    first, second = SEEDS / "000_96708bf42db7307b.txt", SEEDS / "002_4f930567e044b458.txt"
    text, document = drafted([first, second])
    reports = {"000-96708bf42db7307b": read_report(first), "002-4f930567e044b458": read_report(second)}
    assert [s["paragraphs"] for s in document["sources"]] == [5, 6]  # as data/niger.yaml counts them
    places = {place["name"]: place for place in document["places"]}
    assert {"Niamey", "Agadez", "Niger", "Chad"} <= set(places)
    assert (places["Niamey"]["country"], places["Agadez"]["country"], places["Chad"]["country"]) == (
        "NE",
        "NE",
        "TD",
    )
    assert "# named in 000-96708bf42db7307b #4" in text  # Niamey, in ordered-out#4
    # The figures, with the anchors data/niger.yaml cites (ordered-out is 000, withdrawal-agreed 002).
    assert {
        ("About 1,000 U.S. troops", "000-96708bf42db7307b#2"),
        ("over a thousand U.S. troops", "002-4f930567e044b458#1"),
        ("approximately 100 forces", "000-96708bf42db7307b#3"),
    } <= figures_of(document)
    niger = NIGER.read_text(encoding="utf-8")
    assert "ordered-out#2" in niger and "withdrawal-agreed#1" in niger and "ordered-out#3" in niger
    assert {(r["actor"], r["place"]) for r in document["deployments"]} == {
        ("united-states", "niger"),
        ("united-states", "chad"),
    }
    assert_invents_nothing(text, document, reports)


@pytest.mark.parametrize("name", sorted(OWN))
def test_own_reports_most_places_and_figures_found_and_nothing_invented(name):
    path = REPORTS / name
    text, document = drafted([path])
    source = document["sources"][0]["id"]
    reports = {source: read_report(path)}
    expected = OWN[name]
    found_places = {place["name"] for place in document["places"]}
    assert len(expected["places"] & found_places) >= 0.8 * len(expected["places"]), found_places
    found_figures = {(wording, int(citation.partition("#")[2])) for wording, citation in figures_of(document)}
    # A figure whose nation or place the sentence leaves open is still shown, as a comment with its anchor.
    found_figures |= {(w, int(n)) for w, n in re.findall(rf"# not added: '([^']+)' \({source}#(\d+)\)", text)}
    assert len(expected["figures"] & found_figures) >= 0.8 * len(expected["figures"]), found_figures
    assert found_figures <= expected["figures"], "a figure that is not a force figure of the report"
    assert_invents_nothing(text, document, reports)


@pytest.mark.parametrize("name", sorted(OWN))
def test_a_draft_validates_once_the_phases_are_chosen(tmp_path, capsys, name):
    out = tmp_path / "draft.yaml"
    assert main(["draft", str(REPORTS / name), "--out", str(out)]) == 0
    assert main(["validate", "--no-geocode", str(out)]) == 2  # the phases are still to choose
    assert f"'{CHOOSE_DATE}' is not a valid ISO date" in capsys.readouterr().err
    out.write_text(chosen(out.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["validate", "--no-geocode", str(out)]) == 0
    load_scenario(out)


def test_draft_refuses_to_overwrite_and_reports_a_missing_report(tmp_path, capsys):
    out = tmp_path / "draft.yaml"
    out.write_text("mine\n", encoding="utf-8")
    assert main(["draft", str(REPORTS / "chad_html.html"), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err and out.read_text() == "mine\n"
    assert main(["draft", str(tmp_path / "absent.txt"), "--out", str(tmp_path / "x.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_hostile_report_text_stays_data(tmp_path):
    """Report text reaches the YAML as quoted values and one-line comments, never as keys or lines."""
    report = tmp_path / "evil.txt"
    report.write_text(
        "About 300 French troops stayed in Niamey.\u2028title: pwned\n"
        "Some 20 French soldiers left Gao on 1 May 2022.\x85phases: []\n",
        encoding="utf-8",
    )
    document = yaml.safe_load(chosen(draft_scenario([str(report)])))
    assert document["title"].startswith("Draft: ") and len(document["phases"]) == 2


WORDS = st.sampled_from(
    [
        *("about", "some", "over", "1,000", "100", "2024", "May", "15", "troops", "soldiers", "French"),
        *("U.S.", "Niamey", "Gao", "Chad", "in", "near", "the", "a", "thousand", ".", ",", "\n", "\n\n"),
        *("Washington", "Nigerien", "forces", "on", "#", ":", "'", '"', "\\", "{", "}", "[", "- ", "\u2028"),
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(WORDS, st.text(max_size=6)), max_size=60))
def test_any_report_gives_a_draft_that_validates_once_phases_are_chosen(tmp_path, words):
    report = tmp_path / "report.txt"
    report.write_text(" ".join(words) + " end.", encoding="utf-8")
    path = tmp_path / "draft.yaml"
    try:
        text = draft_scenario([str(report)])
    except ScenarioError as error:  # a report refused as a whole (binary, no text): one clean line
        assert all(str(problem).startswith(str(report)) for problem in error.problems)
        return
    path.write_text(chosen(text), encoding="utf-8")
    load_scenario(path)
