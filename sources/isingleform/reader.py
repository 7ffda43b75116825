"""Read one i-Single Form export into `raw.isingleform_records`: one JSON text per
submission, numbered as a person finds it in the file (the line of a .jsonl or
.csv, the position in a .json array). Judging the records is dbt's work.

.jsonl and .json are split by DuckDB itself, set-based; only the flat CSV
export goes through Python, because it may be cp874, which DuckDB cannot read.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from sources.file_outcome import FileFinding, FileLoad
from sources.intake import insert_frame
from sources.landing import LandedFile
from sources.thai import decode_thai_text

SOURCE = "isingleform"
# Flat CSV columns are field paths with '.' written as '_'; these prefixes are the nested objects.
NESTED_PREFIXES = ("location_", "workers_", "contact_")
REQUIRED_CSV_COLUMNS = (
    "submission_id",
    "submitted_at",
    "period",
    "factory_id",
    "owner_id",
    "factory_name",
    "tsic_code",
    "province_code",
    "location_type",
    "workers_thai_male",
    "workers_thai_female",
    "workers_foreign_male",
    "workers_foreign_female",
)

_JSONL_SQL = r"""
INSERT INTO raw.isingleform_records (file_seq, record_number, record_text)
SELECT ?, line_number, line
FROM (
    SELECT
        line_number,
        -- A Windows line end and a byte-order mark are not part of the record. The
        -- guards matter at scale: rtrim and ltrim read the whole line, ends_with
        -- and starts_with only its end.
        CASE WHEN starts_with(line, chr(65279)) THEN ltrim(line, chr(65279)) ELSE line END AS line
    FROM (
        SELECT line_number, CASE WHEN ends_with(line, chr(13)) THEN rtrim(line, chr(13)) ELSE line END AS line
        FROM (
            SELECT generate_subscripts(lines, 1) AS line_number, unnest(lines) AS line
            FROM (SELECT string_split(content, chr(10)) AS lines FROM read_text(?))
        )
    )
)
-- blank: nothing but Unicode spaces (what trim() removes), told without reading a whole line
WHERE NOT regexp_full_match(line, '\p{Zs}*')
"""

_JSON_ARRAY_SQL = """
INSERT INTO raw.isingleform_records (file_seq, record_number, record_text)
SELECT ?, generate_subscripts(elements, 1), unnest(elements)::varchar
FROM (SELECT json_extract(ltrim(content, chr(65279)), '$[*]') AS elements FROM read_text(?))
"""

_JSON_OBJECT_SQL = """
INSERT INTO raw.isingleform_records (file_seq, record_number, record_text)
SELECT ?, 1, ltrim(content, chr(65279)) FROM read_text(?)
"""


def _rejected(rule_id: str, detail_en: str, detail_th: str) -> FileLoad:
    return FileLoad.rejected(FileFinding(rule_id, None, None, detail_en, detail_th))


def flat_row_to_record(row: dict[str, str]) -> dict:
    """A flat CSV row as the nested submission it stands for; empty cells are absent fields."""
    record: dict = {}
    for column, text in row.items():
        if column is None or text is None or not text.strip():
            continue
        column = column.strip()
        prefix = next((p for p in NESTED_PREFIXES if column.startswith(p)), None)
        if prefix:
            record.setdefault(prefix[:-1], {})[column[len(prefix) :]] = text.strip()
        else:
            record[column] = text.strip()
    return record


class ISingleFormReader:
    source = SOURCE

    def identity(self, landed: LandedFile, seen_at: datetime) -> tuple:
        return (None, None, None, None)  # the export's name carries no meaning

    def load(self, con: duckdb.DuckDBPyConnection, content: Path, landed: LandedFile, file_seq: int, seen_at: datetime) -> FileLoad:
        suffix = landed.path.lower().rsplit(".", 1)[-1] if "." in landed.path else ""
        if suffix == "jsonl":
            load = self._load_jsonl(con, content, file_seq)
        elif suffix == "json":
            load = self._load_json(con, content, file_seq)
        elif suffix == "csv":
            load = self._load_csv(con, content, file_seq)
        else:
            return _rejected(
                "RF01",
                f"unsupported file type .{suffix} (expected .jsonl, .json or .csv)",
                f"ไม่รองรับไฟล์ชนิด .{suffix} (ต้องเป็น .jsonl .json หรือ .csv)",
            )
        if load.outcome == "parsed" and load.rows_read == 0:
            return _rejected("RF05", "the file holds no submissions", "ไฟล์ไม่มีข้อมูลการส่ง")
        return load

    def _count(self, con, file_seq: int) -> int:
        return con.execute("SELECT count(*) FROM raw.isingleform_records WHERE file_seq = ?", [file_seq]).fetchall()[0][0]

    def _load_jsonl(self, con, content: Path, file_seq: int) -> FileLoad:
        try:
            con.execute(_JSONL_SQL, [file_seq, str(content)])
        except duckdb.InvalidInputException as error:
            return _rejected("RF01", f"not UTF-8 text: {error}"[:300], f"ไม่ใช่ข้อความ UTF-8: {error}"[:300])
        return FileLoad("parsed", rows_read=self._count(con, file_seq))

    def _load_json(self, con, content: Path, file_seq: int) -> FileLoad:
        try:
            [(valid, kind)] = con.execute(
                "SELECT json_valid(d), CASE WHEN json_valid(d) THEN json_type(d) END FROM (SELECT ltrim(content, chr(65279)) AS d FROM read_text(?))",
                [str(content)],
            ).fetchall()
        except duckdb.InvalidInputException as error:
            return _rejected("RF01", f"not UTF-8 text: {error}"[:300], f"ไม่ใช่ข้อความ UTF-8: {error}"[:300])
        if not valid:
            return _rejected("RF01", "not valid JSON (truncated or damaged)", "ไม่ใช่ JSON ที่ถูกต้อง (ไม่ครบหรือเสียหาย)")
        if kind not in ("OBJECT", "ARRAY"):
            return _rejected(
                "RF01", "the JSON is neither a submission object nor an array of them", "JSON ไม่ใช่ออบเจกต์การส่งข้อมูลหรืออาร์เรย์ของออบเจกต์"
            )
        con.execute(_JSON_ARRAY_SQL if kind == "ARRAY" else _JSON_OBJECT_SQL, [file_seq, str(content)])
        return FileLoad("parsed", rows_read=self._count(con, file_seq))

    def _load_csv(self, con, content: Path, file_seq: int) -> FileLoad:
        text = decode_thai_text(content.read_bytes())
        if text is None:
            return _rejected(
                "RF01", "the text is neither UTF-8 nor Thai Windows (cp874)", "ข้อความไม่ได้เข้ารหัสแบบ UTF-8 หรือ Thai Windows (cp874)"
            )
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        try:
            header = [name.strip() for name in (reader.fieldnames or [])]
            missing = [name for name in REQUIRED_CSV_COLUMNS if name not in header]
            if missing:
                return FileLoad.rejected(
                    FileFinding(
                        "RF04", None, missing[0], f"required columns missing: {', '.join(missing)}", f"ไม่มีคอลัมน์ที่จำเป็น: {', '.join(missing)}"
                    )
                )
            records, line = [], reader.line_num + 1
            for row in reader:
                records.append((file_seq, line, json.dumps(flat_row_to_record(row), ensure_ascii=False)))
                line = reader.line_num + 1
        except csv.Error as error:
            return _rejected("RF01", f"CSV line {line}: {error}", f"CSV บรรทัดที่ {line}: {error}")
        if records:
            frame = pd.DataFrame(records, columns=["file_seq", "record_number", "record_text"], dtype=object)
            insert_frame(con, "raw.isingleform_records", frame)
        return FileLoad("parsed", rows_read=len(records))
