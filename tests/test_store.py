"""data/clean is deterministic: the same documents give byte-identical CSVs,
whatever order the rows were built in."""
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oaslib.clean import clean, store
from oaslib.clean.schema import TABLES

from .conftest import RAW

TABLE_NAMES = [n for n in TABLES]


def test_two_cleans_of_the_same_documents_give_byte_identical_csvs(tmp_path):
    other = tmp_path / "elsewhere" / "raw"
    shutil.copytree(RAW, other)  # same documents, another folder, files copied anew
    clean(RAW, tmp_path / "a")
    clean(other, tmp_path / "b")
    for name in TABLE_NAMES:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes(), name


@pytest.fixture(scope="module")
def bundled_tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("tables")
    clean(RAW, out)
    return out, {name: store.read_table(name, out) for name in TABLE_NAMES}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(TABLE_NAMES), data=st.data())
def test_row_order_is_set_by_the_table_not_by_how_the_rows_were_built(bundled_tables, tmp_path_factory, name, data):
    out, tables = bundled_tables
    df = tables[name]
    order = data.draw(st.permutations(range(len(df))))
    again = tmp_path_factory.mktemp("again")
    store.write_table(df.iloc[list(order)], name, again)
    assert (again / f"{name}.csv").read_bytes() == (out / f"{name}.csv").read_bytes()


@pytest.mark.parametrize("value, written", [
    pytest.param(0.1 + 0.2, "0.3", id="binary-noise"),
    pytest.param(1 / 3, "0.3333333333", id="repeating"),
    pytest.param(2.0, "2", id="whole"),
    pytest.param(None, "", id="missing"),
])
def test_floats_are_written_in_one_format(tmp_path, value, written):
    df = pd.DataFrame({"iso3": ["PAN"], "share": pd.array([value], dtype="Float64")})
    store.write_csv(df, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines() == ["iso3,share", f"PAN,{written}"]
