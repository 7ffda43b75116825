"""Values a submitter may send, as hypothesis strategies: shared by the tests of
the readers alone (test_readers_fuzz.py) and of whole nights (test_no_value_stops_the_night.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from sources.thai import INVISIBLE_CHARACTERS

thai_letters = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
nasty_characters = st.sampled_from([*INVISIBLE_CHARACTERS, "\x00", "\x07", "\r", "\t", "\u202e", "\ufffd", "à", "¸", '"', "'", ";", "\\"])
# Letters, digits, spaces, controls and formats of any script: Thai, Arabic-Indic and Devanagari digits, NBSP, ...
unicode_categories = st.characters(categories=["Cc", "Cf", "Zs", "Nd", "Lo", "Mn", "Po", "Sm"], codec="utf-8")
# any character a UTF-8 file can hold (lone surrogates cannot be written; escaped in JSON they can)
nasty_text = st.text(st.one_of(thai_letters, nasty_characters, unicode_categories, st.characters(codec="utf-8")), max_size=60)
numbers_as_text = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=8).map(str),
    st.sampled_from(["1e400", "-1e-400", "NaN", "Infinity", "๑,๒๓๔.๕", "-", "1,2,3", "0x1F", "1,000,000,000,000,000,000", "๙" * 40, "١٢٣"]),
)
cell_text = st.one_of(nasty_text, numbers_as_text, st.text(st.characters(codec="utf-8"), max_size=5000))

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False), nasty_text, st.text(st.characters(codec="utf-8"), max_size=3000),
)  # fmt: skip
json_value = st.recursive(
    json_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4), max_leaves=20
)
# What json.dumps refuses to write but people (and some exporters) do.
non_standard_number = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "9" * 400])

EXCEL_ERRORS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]
# What an Excel cell can hold besides text: numbers of any size, booleans, dates and times.
excel_cell = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.times(),
)
