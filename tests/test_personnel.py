import pytest

from posturemap.geo.personnel import combine, parse_personnel


@pytest.mark.parametrize(
    ("given", "minimum", "maximum", "estimate"),
    [
        (1000, 1000, 1000, 1000),
        ("1,000", 1000, 1000, 1000),
        ("about 1,000", 900, 1100, 1000),
        ("approximately 100", 90, 110, 100),
        ("roughly 100", 90, 110, 100),
        ("~100", 90, 110, 100),
        ("over 1,000", 1000, None, 1000),
        ("over a thousand", 1000, None, 1000),
        ("more than 1,000 troops", 1000, None, 1000),
        ("at least 100", 100, None, 100),
        ("up to 100", None, 100, 100),
        ("1,000-1,100", 1000, 1100, 1050),
        ("1,000 – 1,100", 1000, 1100, 1050),
        ("between 800 and 1,200", 800, 1200, 1000),
        ("1,100+", 1100, None, 1100),
        ("two thousand", 2000, 2000, 2000),
        ("a hundred", 100, 100, 100),
        ("1.5k", 1500, 1500, 1500),
        ("several hundred", 300, 900, 600),
        ("nearly 1,000", 900, 1000, 1000),
        (0, 0, 0, 0),
        ("none", 0, 0, 0),
    ],
)
def test_reported_wording_gives_range_and_estimate(given, minimum, maximum, estimate):
    figure = parse_personnel(given)
    assert (figure.minimum, figure.maximum, figure.estimate) == (minimum, maximum, estimate)
    assert figure.text == str(given)


def test_unknown_is_kept_as_unknown():
    figure = parse_personnel(None)
    assert figure.estimate is None and figure.text is None
    assert figure.describe_range() == "unknown"


@pytest.mark.parametrize("bad", ["lots", "about", "100 bananas", "-5", -3, True, 12.5, [1]])
def test_bad_personnel_is_refused_with_the_accepted_forms(bad):
    with pytest.raises(ValueError, match=r"negative|not a|expected|whole"):
        parse_personnel(bad)


def test_two_reports_combine_into_their_envelope():
    combined = combine([parse_personnel("about 1,000"), parse_personnel("over a thousand")])
    assert combined.text == "about 1,000; over a thousand"
    assert (combined.minimum, combined.maximum, combined.estimate) == (900, None, 1000)
    assert combined.describe_range() == "at least 900"
