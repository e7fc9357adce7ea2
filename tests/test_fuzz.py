"""Random input to the loader ends in a valid scenario or a clear error, never a crash."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posturemap.geo.errors import ScenarioError
from posturemap.geo.scenario import load_scenario

from .conftest import MINIMAL

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(string.printable, max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(string.ascii_lowercase, max_size=8), inner, max_size=4),
    ),
    max_leaves=12,
)


def check(path):
    try:
        load_scenario(path)
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert str(problem).startswith(str(path))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_is_loaded_or_refused_cleanly(tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    check(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(
        [
            *("title", "phases", "actors", "sources", "places", "deployments", "movements", "events"),
            *("regions", "area", "number_format"),
        ]
    ),
    values,
)
def test_any_section_value_is_loaded_or_refused_cleanly(tmp_path, section, value):
    import yaml

    document = yaml.safe_load(MINIMAL)
    document[section] = value
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    check(path)
