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


def _typed(texts):
    """A declared-type frame as write_table gets it: text, Int64, boolean."""
    n = len(texts)
    return pd.DataFrame({"text": pd.array(texts, dtype="string"),
                         "line": pd.array([7 if k % 2 else None for k in range(n)], dtype="Int64"),
                         "ongoing": pd.array([[True, False, None][k % 3] for k in range(n)], dtype="boolean")})


@pytest.mark.parametrize("texts", [
    pytest.param(["Canada, Italy"], id="comma"),
    pytest.param(['the "Safe Port" program'], id="quotes"),
    pytest.param(["first paragraph\n\nsecond"], id="paragraphs"),
    pytest.param(["carriage\rreturn"], id="carriage-return"),
    pytest.param([None, ""], id="missing-and-empty"),
    pytest.param(["Panamá “seguro” – ﬁn"], id="non-ascii"),
    pytest.param([], id="no-rows"),
])
def test_csv_is_what_pandas_writes(texts):
    """write_csv builds its cells with Arrow; the bytes stay those of
    DataFrame.to_csv (Python's csv module) for every kind of cell."""
    df = _typed(texts)
    assert b"".join(store.csv_pieces(df)) == df.to_csv(index=False, lineterminator="\n").encode()


def test_csv_of_a_concatenated_frame():
    """pandas keeps a concatenated text column in chunks (the MISPA tables of
    two reports)."""
    df = pd.concat([_typed(["a", "b,c"]), _typed(['"d"'])], ignore_index=True)
    assert b"".join(store.csv_pieces(df)) == df.to_csv(index=False, lineterminator="\n").encode()


def test_a_table_read_again_after_a_new_clean_is_the_new_table(raw_copy, tmp_path):
    """read_table keeps a table it has read while its file is unchanged; a
    clean replaces the file, and the next read gives the new rows."""
    from oaslib.clean import clean
    from oaslib.clean.store import read_table
    out = tmp_path / "clean"
    clean(raw_copy, out)
    first = read_table("donors", out)
    first.loc[:, "donor"] = "changed by the caller"  # a caller's change stays its own
    assert "changed by the caller" not in set(read_table("donors", out).donor)
    sheets = raw_copy / "000_3348439e6b9c1ad1.txt"
    sheets.write_text(sheets.read_text(encoding="utf-8").replace("Spain (AECID)", "Italy"), encoding="utf-8")
    clean(raw_copy, out)
    donors = set(read_table("donors", out).donor)
    assert "Italy" in donors and "Spain" not in donors


def test_a_table_that_fails_its_schema_leaves_the_folder_as_it_was(bundled_clean, tmp_path):
    import shutil

    import pandas as pd

    from oaslib.clean import store
    from oaslib.errors import SchemaError
    out = tmp_path / "clean"
    shutil.copytree(bundled_clean, out)
    before = {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()}
    tables = {n: store.read_table(n, out) for n in ("activities", "donors", "quality")}
    tables["activities"] = tables["activities"].iloc[:3]  # a change that would be written
    tables["quality"] = pd.DataFrame({"nonsense": [1]})  # and a table that is not one
    with pytest.raises(SchemaError):
        store.write_tables(tables, out)
    assert {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()} == before
