"""The one Thai normalisation (sources/thai.py `comparable_text`, SQL's
`thai_key`) and the typing slips measured on it (sources/typing_slips.py):
text typed any way that looks the same is the same text; text that looks
different is not; a slip is told from another word."""

from __future__ import annotations

import os

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.regional_reports.table import COLUMNS, PREFERRED_SHEETS, choose_sheet, normalise_header, parse_table
from sources.thai import INVISIBLE_CHARACTERS, LONGEST_CACHED_TEXT, comparable_text
from sources.typing_slips import closest_known, slip_edits
from tests.thai_spellings import CONTRACT_HEADERS, every_spelling, reference_thai_texts, typed_as_people_do, visibly_different
from warehouse.sql_functions import register, warehouse_functions

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REFERENCE = reference_thai_texts()


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("ล\u0e4d\u0e32ปาง", "ลำปาง"),  # ำ as ํ + า
        ("ก\u0e4d\u0e32แพงเพชร", "กำแพงเพชร"),
        ("ผ\u0e49\u0e39ประกอบการ", "ผู้ประกอบการ"),  # the tone mark before its vowel
        ("น\u0e49\u0e4d\u0e32", "น้ำ"),  # the tone mark before ํ + า
        ("น\u0e4d\u0e49\u0e32", "น้ำ"),
        ("นำ\u0e49", "น้ำ"),  # the tone mark after ำ
        ("ผู้้ประกอบการ", "ผู้ประกอบการ"),  # a mark typed twice
        ("ลำ\u200bพูน\u00ad", "ลำพูน"),  # invisible characters
        ("เเพร่", "แพร่"),  # เ + เ is drawn as แ
        ("  Chiang\u00a0  MAI ", "chiang mai"),  # white space and case
    ],
)
def test_the_same_text_typed_another_way_is_the_same(typed, meant):
    assert comparable_text(typed) == meant


@pytest.mark.parametrize(
    "one, other",
    [
        ("นานา", "นานาา"),  # a spacing vowel typed twice is seen twice
        ("ผู้", "ผู่"),  # another tone mark
        ("ผู้", "ผู"),  # a tone mark left out
        ("ลำพูน", "ลำพูนน"),
        ("เชียงใหม่", "เชียงใหม"),
        ("กรุงเทพฯ", "กรุงเทพ"),  # ฯ is seen
        ("51", "๕๑"),  # digits are compared as written: provinces read Thai digits themselves
    ],
)
def test_text_that_looks_different_stays_different(one, other):
    assert comparable_text(one) != comparable_text(other)


def test_the_reference_holds_thai_to_test():
    assert len(REFERENCE) > 150 and "กรุงเทพมหานคร" in REFERENCE and "ผู้ประกอบการ (ราย)" in REFERENCE


@given(st.data())
def test_any_typing_of_reference_text_that_looks_the_same_is_the_same(data):
    text = data.draw(st.sampled_from(REFERENCE))
    typed = data.draw(typed_as_people_do(text))
    assert comparable_text(typed) == comparable_text(text), (text, typed)


@given(st.data())
def test_reference_text_changed_visibly_is_another_text(data):
    text = data.draw(st.sampled_from(REFERENCE))
    changed = data.draw(visibly_different(text))
    typed = data.draw(typed_as_people_do(changed))
    assert comparable_text(typed) != comparable_text(text), (text, changed, typed)


@given(
    st.text(
        st.one_of(st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F), st.sampled_from([*INVISIBLE_CHARACTERS, " ", "\t", "A", "a"])),
        max_size=40,
    )
)
def test_the_normalisation_is_stable(text):
    once = comparable_text(text)
    assert comparable_text(once) == once


def test_long_text_is_normalised_the_same_without_the_cache():
    text = "ผ\u0e49\u0e39ประกอบการ " * (LONGEST_CACHED_TEXT // 10)
    assert len(text) > LONGEST_CACHED_TEXT
    assert comparable_text(text) == ("ผู้ประกอบการ " * (LONGEST_CACHED_TEXT // 10)).strip()


def test_every_spelling_covers_the_ways_of_the_issue():
    assert "ผ\u0e49\u0e39ประกอบการ (ราย)" in set(every_spelling("ผู้ประกอบการ (ราย)"))
    assert "ล\u0e4d\u0e32ปาง" in set(every_spelling("ลำปาง"))
    assert len(set(every_spelling("น้ำ"))) == 5  # ้ำ, ำ้, ้ํา, ํ้า, ํา้


@pytest.mark.parametrize("canonical, name", CONTRACT_HEADERS)
def test_every_contract_header_typed_every_way_that_looks_the_same_is_recognised(canonical, name):
    spellings = set(every_spelling(name))
    others = [c for c in ("province", "program_code", "activity") if c != canonical][:2]
    for spelling in spellings:
        header = [*(COLUMNS[c][0] for c in others), spelling]
        table = parse_table(iter([(1, header), (2, ["ลำพูน", "OTOP", "1"])]))
        assert canonical in table.columns and not table.findings, spelling


@pytest.mark.parametrize("sheet", PREFERRED_SHEETS)
def test_a_preferred_sheet_typed_another_way_still_wins(sheet):
    for spelling in every_spelling(sheet):
        typed = f" {spelling[0]}\u200b{spelling[1:].upper()} "
        assert choose_sheet(["ปก", typed]) == typed


# --- typing slips --------------------------------------------------------------


@pytest.mark.parametrize(
    "written, known",
    [
        ("ผู้ประกอบกร", "ผู้ประกอบการ"),  # a letter left out
        ("ผู่ประกอบการ", "ผู้ประกอบการ"),  # another tone mark
        ("จังหวด", "จังหวัด"),
        ("entrepreneur", "entrepreneurs"),
        ("enterprise", "enterprises"),
        ("peoples", "people"),
        ("เชียงใหม", "เชียงใหม่"),
    ],
)
def test_a_typing_slip_is_close(written, known):
    assert slip_edits(written, known) is not None


@pytest.mark.parametrize(
    "written, known",
    [
        ("ชื่อโครงการ", "รหัสโครงการ"),  # programme name is not programme code
        ("กิจกรรมย่อย", "กิจกรรม"),  # a sub-activity is not the activity
        ("ผลิตภัณฑ์ใหม่", "ผลิตภัณฑ์"),  # new products are not products
        ("วิสาหกิจ", "วิสาหกิจชุมชน"),
        ("งบประมาณ", "งบประมาณเบิกจ่าย"),
        ("district", "activity"),
        ("หมายเหตุ", "เครือข่าย"),
        ("ลำดับ", "ลำพูน"),
        ("CF", "CE"),  # two letters: one edit is another word
        ("Tak", "Nan"),
        ("ลำพูน", "ลำพูน"),  # the same text is no slip
        ("ล\u0e4d\u0e32พูน", "ลำพูน"),  # nor is the same text typed another way
    ],
)
def test_another_word_is_no_slip(written, known):
    assert slip_edits(written, known) is None


def test_the_closest_known_name_wins_and_none_when_nothing_is_close():
    names = [normalise_header(n) for names in COLUMNS.values() for n in names]
    assert closest_known("enterprise", names) == "enterprises"
    assert closest_known("entrepreneur", names) == "entrepreneurs"
    assert closest_known("หมายเหตุ", names) is None
    assert closest_known("Atlantis", ["Pattani", "Bangkok"]) is None


# --- the same functions in SQL -------------------------------------------------


def test_sql_calls_the_python_functions_themselves(tmp_path):
    assert {f.name for f in warehouse_functions(tmp_path)} >= {"thai_key", "typing_slip_edits"}
    texts = [*REFERENCE, "ล\u0e4d\u0e32ปาง", " Chiang  MAI ", "", None]
    with duckdb.connect() as con:
        register(con, warehouse_functions(tmp_path))
        keys = con.execute("SELECT list(thai_key(t) ORDER BY n) FROM unnest(?) WITH ORDINALITY AS texts(t, n)", [texts]).fetchone()[0]
        edits = con.execute(
            "SELECT typing_slip_edits('เชียงใหม', 'เชียงใหม่'), typing_slip_edits('Atlantis', 'Pattani'), typing_slip_edits(NULL, 'x')"
        ).fetchone()
    assert keys == [None if t is None else comparable_text(t) for t in texts]
    assert edits == (1, None, None)
