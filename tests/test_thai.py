from datetime import UTC, datetime

from sources.thai import BEMonth, arabic_digits, decode_thai_text, fiscal_year_of, is_damaged_text, thai_id_check_digit_holds


def test_thai_digits_are_digits():
    assert arabic_digits("๑,๒๓๔.๕") == "1,234.5"
    assert arabic_digits("ลำพูน ๕๑") == "ลำพูน 51"


def test_be_month_parses_real_months_only():
    assert BEMonth.parse("2566-03") == BEMonth(2566, 3)
    assert BEMonth.parse("๒๕๖๖-๐๓") == BEMonth(2566, 3)
    assert BEMonth.parse("2566-13") is None
    assert BEMonth.parse("2566-00") is None
    assert BEMonth.parse("2566-3") is None
    assert str(BEMonth(2566, 3)) == "2566-03"


def test_fiscal_year_runs_october_to_september():
    assert BEMonth(2565, 10).fiscal_year == 2566
    assert BEMonth(2566, 9).fiscal_year == 2566
    assert BEMonth(2566, 10).fiscal_year == 2567


def test_month_of_a_moment_is_taken_in_bangkok():
    # 17:30 UTC on 30 Sep 2023 is already 1 Oct in Bangkok: the next fiscal year.
    moment = datetime(2023, 9, 30, 17, 30, tzinfo=UTC)
    assert BEMonth.of(moment) == BEMonth(2566, 10)
    assert fiscal_year_of(moment) == 2567


def test_decoding_tells_utf8_from_cp874():
    text = "จังหวัด,ลำพูน"
    assert decode_thai_text(text.encode("utf-8")) == text
    assert decode_thai_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_thai_text(text.encode("cp874")) == text


def test_decoding_refuses_other_encodings():
    assert decode_thai_text("จังหวัด".encode("utf-16")) is None
    assert decode_thai_text(b"PK\x03\x04\x00\x00binary") is None
    assert decode_thai_text(bytes([0xDB, 0xFC, 0xFF])) is None  # undefined in cp874, invalid UTF-8


def test_damaged_text_is_recognised():
    assert is_damaged_text("à¸šà¸£à¸´à¸©à¸±à¸—")  # Thai UTF-8 read as Latin-1
    assert is_damaged_text("บริษัท\ufffd")
    assert is_damaged_text("abc\x85")
    assert not is_damaged_text("บริษัท ลำไยทอง จำกัด")
    assert not is_damaged_text("Café")


def test_owner_id_check_digit():
    assert thai_id_check_digit_holds("0105536112014")
    assert not thai_id_check_digit_holds("0105536112015")
    assert not thai_id_check_digit_holds("010553611201")
    assert not thai_id_check_digit_holds("01055361120a4")


def test_visible_text_drops_only_what_nobody_sees():
    from sources.thai import INVISIBLE_CHARACTERS, visible_text

    assert visible_text("ลำ\u200bพูน\u200f") == "ลำพูน"
    assert visible_text(INVISIBLE_CHARACTERS) == ""
    assert visible_text("ก ข\tค\n๑") == "ก ข\tค\n๑"


def _thai_macro_over(texts: list, macro: str) -> list:
    """The dbt macro `macro` of macros/thai.sql, rendered and run by DuckDB over each text."""
    from pathlib import Path

    import duckdb
    import jinja2

    macros = (Path(__file__).resolve().parents[1] / "dbt_project" / "macros" / "thai.sql").read_text(encoding="utf-8")
    macro_sql = getattr(jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(macros).module, macro)("t")
    with duckdb.connect() as con:
        return [
            row[0]
            for row in con.execute(f"SELECT {macro_sql} FROM unnest(?) WITH ORDINALITY AS texts(t, n) ORDER BY n", [texts]).fetchall()
        ]


def test_the_sql_visible_text_macro_drops_the_same_characters():
    """sources/thai.py and the dbt macro keep one list each; DuckDB checks they agree,
    on texts with and without them (the macro only rewrites texts that hold one)."""
    from sources.thai import INVISIBLE_CHARACTERS, visible_text

    nearby = "".join(chr(c) for c in range(0x00A0, 0x2100) if chr(c) not in INVISIBLE_CHARACTERS)
    texts = [INVISIBLE_CHARACTERS, nearby, "ลำพูน", *(f"ลำ{c}พูน{c}" for c in INVISIBLE_CHARACTERS), "", None]
    got = _thai_macro_over(texts, "visible_text")
    assert got == [None if t is None else visible_text(t) for t in texts]
    assert got[:3] == ["", nearby, "ลำพูน"]


def test_the_sql_arabic_digits_macro_agrees_with_python():
    texts = ["๐๑๒๓๔๕๖๗๘๙", "๑,๒๓๔.๕", "ลำพูน ๕๑", "10510000125401", "ลำพูน", "๙0๙", "", None]
    assert _thai_macro_over(texts, "arabic_digits") == [None if t is None else arabic_digits(t) for t in texts]
