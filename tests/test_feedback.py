"""The quality report and the feedback workbooks, on hostile warehouse text."""

import json
import re
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from expectations.data_docs import MissingVendoredAsset, _rewrite, make_offline
from reporting.feedback import report as report_module
from reporting.feedback.data import load_quality_data, quality_connection
from reporting.feedback.report import PAGE_FINGERPRINTS, RECEIVED, render_quality_report, write_quality_report
from reporting.feedback.workbooks import FILE_COLUMNS, FINDING_COLUMNS, factory_workbook_name, write_feedback_workbooks

SCRIPT = "<script>alert('x')</script>"
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1", "\t=1+1", "\r=1+1", "#N/A", "#DIV/0!"]


def _files() -> list[dict]:
    return [
        dict(source="regional_reports", submitter="IPC01", path=f"IPC01_result_2566-01{SCRIPT}.csv", file_sha256="a" * 64,
             period="2566-01", version=1, status="loaded", rule_id=None, rows_read=3, rows_accepted=1, rows_quarantined=2, warnings=0),
        dict(source="isingleform", submitter=None, path="2566-01.jsonl", file_sha256="b" * 64, period=None, version=None,
             status="loaded", rule_id=None, rows_read=2, rows_accepted=1, rows_quarantined=1, warnings=0),
    ]  # fmt: skip


def _findings() -> list[dict]:
    return [
        *(dict(path=f"IPC01_result_2566-01{SCRIPT}.csv", file_sha256="a" * 64, submitter="IPC01", row_number=i + 2, rule_id="RR03",
               severity="error", message_th="ค่าต้องเป็นตัวเลข", message_en=f"not a number {SCRIPT}", column_name="ผู้ประกอบการ", value=v)
          for i, v in enumerate(FORMULAS)),
        dict(path="2566-01.jsonl", file_sha256="b" * 64, submitter="10500000000001", row_number=1, rule_id="IS03", severity="error",
             message_th="ไม่รู้จักจังหวัด", message_en="unknown province", column_name="province_code", value="=cmd|' /C calc'!A0"),
    ]  # fmt: skip


_QUALITY = [
    dict(source="regional_reports", submitter="IPC01", period="2566-01", files=1, rows_read=3, rows_accepted=1, rows_quarantined=2,
         warnings=0, accepted_pct=33.3),
    dict(source="isingleform", submitter="PIO50", period="2566-01", files=1, rows_read=2, rows_accepted=1, rows_quarantined=1,
         warnings=0, accepted_pct=50.0),
]  # fmt: skip
_DEADLINES = [
    dict(submitter="PIO50", period="2566-01", due_date="2023-02-15", status="missing", days_late=None),
    dict(submitter="IPC01", period="2566-01", due_date="2023-02-15", status="late", days_late=3),
]
_TABLES = {
    "quality.files": "file_sha256 varchar, path varchar, source varchar, submitter varchar, period varchar, version integer, "
    "status varchar, rule_id varchar, rows_read bigint, rows_accepted bigint, rows_quarantined bigint, warnings bigint, "
    "first_seen_at timestamptz",
    "raw.landed_files": "file_seq bigint, file_sha256 varchar, path varchar, source varchar, submitter varchar, first_seen_at timestamptz",
    "build_state.dbt_builds": "built_at timestamptz, built_through_file_seq bigint",
    "quality.findings": "file_sha256 varchar, path varchar, row_number bigint, submitter varchar, rule_id varchar, severity varchar, "
    "message_th varchar, message_en varchar, column_name varchar, value varchar",
    "quality.submission_quality": "source varchar, submitter varchar, period varchar, files bigint, rows_read bigint, "
    "rows_accepted bigint, rows_quarantined bigint, warnings bigint, accepted_pct double",
    "quality.submission_deadlines": "submitter varchar, period varchar, due_date date, status varchar, days_late integer",
    "reference.regions": "region_no integer, name_th varchar",
    "reference.submitters": "submitter varchar, region_no integer, province_code varchar",
    "reference.province_region": "province_code varchar, region_no integer, valid_from_fy integer",
    "reference.provinces": "province_code varchar, name_th varchar",
}


FIRST_SEEN = datetime(2023, 1, 20, 19, tzinfo=UTC)  # 2566-01 in Bangkok


def write_warehouse(db, files: list[dict], findings: list[dict], previous_build: int = 0) -> None:
    """A warehouse file with the tables the report and the workbooks read, holding these rows:
    a file is first seen at FIRST_SEEN unless it says, and numbered in order unless it says; the
    build before the latest built the files up to `previous_build`."""
    files = [{"first_seen_at": FIRST_SEEN, "file_seq": i + 1, **f} for i, f in enumerate(files)]
    builds = [dict(built_at=datetime(2023, 1, 1, tzinfo=UTC), built_through_file_seq=previous_build),
              dict(built_at=datetime(2023, 1, 2, tzinfo=UTC), built_through_file_seq=max([previous_build, *(f["file_seq"] for f in files)]))]  # fmt: skip
    rows = {
        "quality.files": files,
        "raw.landed_files": files,
        "build_state.dbt_builds": builds,
        "quality.findings": findings,
        "quality.submission_quality": _QUALITY,
        "quality.submission_deadlines": _DEADLINES,
        "reference.regions": [dict(region_no=1, name_th="ศูนย์ภาค 1"), dict(region_no=5, name_th="ศูนย์ภาค 5")],
        "reference.submitters": [dict(submitter="IPC01", region_no=1, province_code=None), dict(submitter="PIO50", region_no=None, province_code="50")],
        "reference.province_region": [dict(province_code="50", region_no=1, valid_from_fy=2560)],
        "reference.provinces": [dict(province_code="50", name_th="เชียงใหม่")],
    }  # fmt: skip
    with duckdb.connect(str(db)) as con:
        for schema in ("quality", "reference", "raw", "build_state"):
            con.execute(f"create schema if not exists {schema}")
        for table, columns in _TABLES.items():
            con.execute(f"create or replace table {table} ({columns})")
            names = [c.split()[0] for c in columns.split(", ")]
            if rows[table]:
                con.executemany(
                    f"insert into {table} ({', '.join(names)}) values ({', '.join('?' * len(names))})",
                    [[row.get(n) for n in names] for row in rows[table]],
                )


def _warehouse(tmp_path, files=None, findings=None, previous_build=0):
    db = tmp_path / "warehouse.duckdb"
    write_warehouse(db, _files() if files is None else files, _findings() if findings is None else findings, previous_build)
    return db


def _report(db) -> str:
    with quality_connection(db) as con:
        return render_quality_report(load_quality_data(con), datetime(2026, 11, 22, tzinfo=UTC))


def _pages(db, out_dir):
    with quality_connection(db) as con:
        return write_quality_report(con, out_dir, datetime(2026, 11, 22, tzinfo=UTC))


def _workbooks(db, out_dir):
    with quality_connection(db) as con:
        return write_feedback_workbooks(con, out_dir)


def _edit(db, sql: str) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute(sql)


def test_report_escapes_every_warehouse_text_and_keeps_thai(tmp_path):
    html = _report(_warehouse(tmp_path))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "ค่าต้องเป็นตัวเลข" in html and "ศูนย์ภาค 1" in html
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in html  # shown as text, never as a link
    assert 'href="http' not in html and "src=" not in html
    assert 'href="IPC01.xlsx"' in html and 'href="factories-50.xlsx"' in html
    assert "ยังไม่ส่ง / missing (1):</b> PIO50" in html and "IPC01 (3 วัน)" in html


def test_workbooks_hold_formulas_as_text(tmp_path):
    written = _workbooks(_warehouse(tmp_path), tmp_path / "out")
    tmp_path = tmp_path / "out"
    assert sorted(p.name for p in written) == ["IPC01.xlsx", factory_workbook_name("50")]
    for path in written:
        with zipfile.ZipFile(path) as book:
            sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert not any("<f>" in s or "<f " in s for s in sheets), f"{path.name} stores a formula"
    book = load_workbook(tmp_path / "IPC01.xlsx")
    findings = book["ข้อผิดพลาด"]
    assert [c.value for c in findings[1]][:4] == ["ไฟล์ (File)", "แถว (Row)", "ผู้ส่ง (Submitter)", "กฎ (Rule)"]
    values = [row[8] for row in findings.iter_rows(min_row=2, values_only=True)]
    assert values == FORMULAS  # exactly, a carriage return too (lxml writes it as &#13;)
    assert all(c.data_type == "s" for c in findings["I"][1:])
    assert load_workbook(tmp_path / "factories-50.xlsx")["ข้อผิดพลาด"]["I2"].value == "=cmd|' /C calc'!A0"


def test_a_submitter_name_cannot_leave_the_reports_folder():
    assert factory_workbook_name("../../etc") == "factories-______etc.xlsx"


GX_PAGE = """<html><head>
<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>
<script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js" integrity="sha384-x" crossorigin="anonymous"></script>
<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>
<style>.navbar-brand a { background: url('https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png') }</style>
</head><body><img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1&dataContextId=abc"/>
<a href="https://greatexpectations.io">Great Expectations</a></body></html>"""


def test_data_docs_pages_load_only_local_copies():
    html = _rewrite(GX_PAGE, "../static")
    assert not re.search(r"https?://", html), html
    assert 'src="../static/images/logo-long.png"' in html and "dataContextId" not in html
    assert 'src="../static/vendor/vega/build/vega.min.js"' in html
    assert "integrity" not in html and "crossorigin" not in html
    assert ">Great Expectations<" not in html and "Great Expectations" in html


def test_an_asset_without_a_local_copy_fails_the_build():
    with pytest.raises(MissingVendoredAsset, match=r"unpkg\.com/new-lib"):
        _rewrite('<script src="https://unpkg.com/new-lib@1/x.js"></script>', "static")


def test_missing_npm_packages_fail_loudly(tmp_path):
    with pytest.raises(MissingVendoredAsset, match=r"setup\.sh"):
        make_offline(tmp_path, node_modules=tmp_path / "nowhere")


def test_latest_deadlines_name_the_missing_and_late_submitters(tmp_path):
    import duckdb

    from reporting.feedback.deadlines import latest_deadlines

    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema quality")
        con.execute(
            "create table quality.submission_deadlines as select * from (values "
            "('IPC01', '2566-01', date '2023-02-15', 'on_time'), ('PIO51', '2566-01', date '2023-02-15', 'missing'), "
            "('IPC01', '2566-02', date '2023-03-15', 'late'), ('PIO51', '2566-02', date '2023-03-15', 'missing'), "
            "('PIO50', '2566-02', date '2023-03-15', 'missing')) t(submitter, period, due_date, status)"
        )
    summary = latest_deadlines(db)
    assert (summary.period, summary.missing, summary.late) == ("2566-02", ["PIO50", "PIO51"], ["IPC01"])
    assert (summary.missing_overall, summary.late_overall, summary.all_on_time) == (3, 1, False)


def test_workbooks_are_serialised_with_lxml():
    """A night's thirty thousand findings: openpyxl's own XML writer takes half as long again."""
    import openpyxl

    assert openpyxl.LXML


def _stamps(paths) -> dict:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths}


def test_only_workbooks_whose_rows_changed_are_written_again(tmp_path):
    files = [*_files(), {**_files()[0], "submitter": "PIO51", "path": "PIO51_result_2566-01.csv", "file_sha256": "c" * 64}]
    findings = [*_findings(), {**_findings()[0], "path": "PIO51_result_2566-01.csv", "file_sha256": "c" * 64, "submitter": "PIO51"}]
    db, out = _warehouse(tmp_path, files, findings), tmp_path / "out"
    written = _workbooks(db, out)
    assert [p.name for p in written] == ["IPC01.xlsx", "PIO51.xlsx", factory_workbook_name("50")]
    stamps = _stamps(written)
    assert _workbooks(db, out) == written
    assert _stamps(written) == stamps  # nothing new: nothing rewritten (a rewrite replaces the file)

    _edit(db, "update quality.findings set value = '99' where file_sha256 = '" + "c" * 64 + "'")
    _workbooks(db, out)
    after = _stamps(written)
    assert [name for name in stamps if after[name] != stamps[name]] == ["PIO51.xlsx"]
    assert load_workbook(out / "PIO51.xlsx")["ข้อผิดพลาด"]["I2"].value == "99"

    _edit(db, "update quality.findings set value = '98' where file_sha256 = '" + "b" * 64 + "'")
    _workbooks(db, out)
    province = factory_workbook_name("50")
    assert [name for name in stamps if _stamps(written)[name] != after[name]] == [province]
    assert load_workbook(out / province)["ข้อผิดพลาด"]["I2"].value == "98"


def test_a_missing_workbook_or_a_damaged_record_of_them_is_written_again(tmp_path):
    db = _warehouse(tmp_path)
    tmp_path = tmp_path / "out"
    _workbooks(db, tmp_path)
    (tmp_path / "IPC01.xlsx").unlink()
    _workbooks(db, tmp_path)
    assert load_workbook(tmp_path / "IPC01.xlsx")["ข้อผิดพลาด"]["A1"].value == "ไฟล์ (File)"

    (tmp_path / ".workbook-fingerprints.json").write_text('{"IPC01.xlsx": 1, "../index.html": "x", "index.html": "x"', encoding="utf-8")
    (tmp_path / "index.html").write_text("the report", encoding="utf-8")
    stamp = (tmp_path / "IPC01.xlsx").stat().st_ino
    _workbooks(db, tmp_path)
    assert (tmp_path / "IPC01.xlsx").stat().st_ino != stamp
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "the report"
    (tmp_path / ".workbook-fingerprints.json").write_text('["IPC01.xlsx"]', encoding="utf-8")
    _workbooks(db, tmp_path)
    assert (tmp_path / "IPC01.xlsx").exists()


def test_a_workbook_nobody_has_findings_for_is_removed(tmp_path):
    db = _warehouse(tmp_path)
    tmp_path = tmp_path / "out"
    _workbooks(db, tmp_path)
    (tmp_path / "index.html").write_text("the report", encoding="utf-8")
    fingerprints = json.loads((tmp_path / ".workbook-fingerprints.json").read_text(encoding="utf-8"))
    fingerprints["index.html"] = "listed by a damaged record"
    (tmp_path / ".workbook-fingerprints.json").write_text(json.dumps(fingerprints), encoding="utf-8")
    _edit(db, "delete from quality.findings where file_sha256 = '" + "b" * 64 + "'")
    assert [p.name for p in _workbooks(db, tmp_path)] == ["IPC01.xlsx"]
    assert not (tmp_path / factory_workbook_name("50")).exists()
    assert (tmp_path / "index.html").exists()


CONTROL = "โรงงาน\x00ลำ\x01พูน\x1b[31m\x7f"


def test_control_characters_are_shown_never_refused(tmp_path):
    findings = _findings()
    findings[0]["value"] = CONTROL
    findings[1]["value"] = "ก" * 40_000  # more than a workbook cell holds
    db = _warehouse(tmp_path, findings=findings)
    _workbooks(db, tmp_path / "out")
    values = [row[8] for row in load_workbook(tmp_path / "out" / "IPC01.xlsx")["ข้อผิดพลาด"].iter_rows(min_row=2, values_only=True)]
    assert values[0] == "โรงงาน␀ลำ␁พูน␛[31m␡"
    assert len(values[1]) == 32_767 and values[1].endswith("… [cut]")
    html = _report(db)
    assert "โรงงาน␀ลำ␁พูน␛[31m␡" in html and "\x00" not in html and "\x1b" not in html


def test_the_report_shows_the_first_findings_of_a_file_and_counts_the_rest(tmp_path):
    many = [
        {**_findings()[0], "row_number": row, "rule_id": rule, "value": f"v{row}-{rule}"}
        for row in range(2, 127) for rule in ("RR03", "RR01")
    ]  # fmt: skip
    html = _report(_warehouse(tmp_path, findings=[*many, _findings()[-1]]))
    block = html[html.index("<code>IPC01_result") :].split("</details>")[0]
    shown = re.findall(r'<td class="n">(\d+)</td><td>[^<]*</td><td><code>v\d+-(RR\d+)', block)
    assert [(int(r), rule) for r, rule in shown] == [(row, rule) for row in range(2, 52) for rule in ("RR01", "RR03")]
    assert "ข้อผิดพลาด 250 <span" in block and "และอีก 150 รายการ" in block and "and 150 more" in block
    factory = html[html.index("<code>2566-01.jsonl") :].split("</details>")[0]
    assert factory.count('<td class="n">') == 1 and "และอีก" not in factory


_TEXTS = st.sampled_from([None, "", "ค่า", "=1+1", "#N/A", "a b", "z"])
# A column is named or not: an empty name and none read back alike from a workbook's
# cell, so the order of the sheet read back could not tell them apart.
_COLUMN_NAMES = st.sampled_from([None, "ค่า", "=1+1", "#N/A", "a b", "z"])
_FILE = st.fixed_dictionaries({
    "source": st.sampled_from(["regional_reports", "isingleform"]), "submitter": st.sampled_from(["IPC01", "PIO50", "PIO51", "ipc7", None]),
    "file_sha256": st.sampled_from(["a", "b", "c"]), "period": st.sampled_from([None, "2566-01", "2566-02"]),
    "version": st.sampled_from([None, 1, 2]), "status": st.sampled_from(["loaded", "rejected", "superseded"]),
    "rule_id": st.sampled_from([None, "RR01"]), "rows_read": st.integers(0, 9), "rows_accepted": st.integers(0, 9),
    "rows_quarantined": st.integers(0, 9), "warnings": st.integers(0, 3),
})  # fmt: skip
_FINDING = st.fixed_dictionaries({
    "file": st.integers(0, 7), "row_number": st.sampled_from([None, 1, 2, 3]), "rule_id": st.sampled_from(["RR01", "RR03", "IS03"]),
    "severity": st.sampled_from(["error", "warning"]), "message_th": _TEXTS, "message_en": _TEXTS, "column_name": _COLUMN_NAMES,
    "value": _TEXTS, "submitter": st.sampled_from([None, "10500000000001", "12340000000002", "1234", "IPC01"]),
})  # fmt: skip


def _expected_workbooks(files: list[dict], findings: list[dict]) -> dict[str, tuple[list, list]]:
    """What each workbook holds, said plainly from the rows: a regional submitter's files and the
    findings of files with their content; a province's factories' findings and the files they came in."""
    by_key = {(f["file_sha256"], f["path"]): f for f in files}
    joined = [(x, by_key[(x["file_sha256"], x["path"])]["source"]) for x in findings if (x["file_sha256"], x["path"]) in by_key]
    books: dict[str, tuple[list, list]] = {}
    for f in files:
        if f["source"] == "regional_reports" and re.fullmatch(r"[A-Z]+[0-9]*", f["submitter"] or ""):
            books.setdefault(f"{f['submitter']}.xlsx", ([], []))[0].append(f)
    for own_files, own_findings in books.values():
        shas = {f["file_sha256"] for f in own_files}
        own_findings.extend(x for x, source in joined if source == "regional_reports" and x["file_sha256"] in shas)
    for x, source in joined:
        if source == "isingleform":
            province = x["submitter"][2:4] if re.fullmatch(r"[0-9]{14}", x["submitter"] or "") else "unassigned"
            books.setdefault(f"factories-{province}.xlsx", ([], []))[1].append(x)
    for name, (own_files, own_findings) in books.items():
        if name.startswith("factories-"):
            shas = {x["file_sha256"] for x in own_findings}
            own_files.extend(f for f in files if f["source"] == "isingleform" and f["file_sha256"] in shas)
    columns = [list(FILE_COLUMNS), list(FINDING_COLUMNS)]
    # a cell of an empty text reads back empty
    return {
        name: tuple(
            [tuple(None if row[c] == "" else row[c] for c in cols) for row in rows] for cols, rows in zip(columns, book, strict=True)
        )
        for name, book in books.items()
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FILE, min_size=1, max_size=8), st.lists(_FINDING, max_size=25))
def test_workbooks_hold_what_each_submitter_and_province_has(files, findings):
    for i, f in enumerate(files):
        f["path"], f["file_sha256"] = f"f{i}.csv", f["file_sha256"] * 64
        if f["source"] == "isingleform":  # a factories' file names no submitter (int_files)
            f["submitter"] = None
    for x in findings:  # a finding of a file the warehouse has, or of none (file number past the end)
        file = files[x.pop("file")] if x["file"] < len(files) else {"path": "gone.csv", "file_sha256": "d" * 64}
        x["path"], x["file_sha256"] = file["path"], file["file_sha256"]
    expected = _expected_workbooks(files, findings)
    with tempfile.TemporaryDirectory() as folder:
        db, out = _warehouse(Path(folder), files, findings), Path(folder) / "out"
        written = _workbooks(db, out)
        assert sorted(p.name for p in written) == sorted(expected) == sorted(p.name for p in out.glob("*.xlsx"))
        for name, (own_files, own_findings) in expected.items():
            book = load_workbook(out / name, read_only=True)
            # a read-only sheet leaves out a row's empty cells at its end
            sheets = [[(*r, *[None] * (width - len(r))) for r in sheet.iter_rows(min_row=2, values_only=True)]
                      for sheet, width in zip(book.worksheets, (len(FILE_COLUMNS), len(FINDING_COLUMNS)), strict=True)]  # fmt: skip
            book.close()
            assert sorted(sheets[0], key=repr) == sorted(own_files, key=repr), name
            assert sorted(sheets[1], key=repr) == sorted(own_findings, key=repr), name
            assert sheets[0] == sorted(sheets[0], key=lambda r: (r[1] is None, r[1] or "", r[0]))  # by period (none last), file
            order = [(r[0], r[1] is not None, r[1] or 0, r[3], r[7] is None, r[7] or "") for r in sheets[1]]
            assert order == sorted(order)  # by file, row (none first), rule, column
        stamps = _stamps(written)
        _workbooks(db, out)
        assert _stamps(written) == stamps


def _month_files() -> list[dict]:
    """Three files received in three Bangkok months: 2566-01 (one late on the last evening, in
    Bangkok already the next month), 2566-02, and the latest build's file, received 2566-03."""
    ipc, factory = _files()
    return [
        {**ipc, "first_seen_at": datetime(2023, 1, 31, 16, 59, tzinfo=UTC), "file_seq": 1},
        {**factory, "first_seen_at": datetime(2023, 1, 31, 17, 0, tzinfo=UTC), "file_seq": 2},
        {**ipc, "path": "PIO51_result_2566-02.csv", "submitter": "PIO51", "file_sha256": "c" * 64,
         "first_seen_at": datetime(2023, 3, 2, tzinfo=UTC), "file_seq": 3},
    ]  # fmt: skip


def _details(html: str) -> list[str]:
    return re.findall(r"<summary><code>([^<]*)</code>", html)


def test_index_shows_the_latest_runs_files_and_links_every_month(tmp_path):
    findings = [*_findings(), {**_findings()[0], "path": "PIO51_result_2566-02.csv", "file_sha256": "c" * 64, "value": "latest"}]
    db, out = _warehouse(tmp_path, _month_files(), findings, previous_build=2), tmp_path / "out"
    report = _pages(db, out)
    index = report.index.read_text(encoding="utf-8")
    assert _details(index) == ["PIO51_result_2566-02.csv"] and "<code>latest</code>" in index
    latest = index.split("<h2>ไฟล์ที่ได้รับในรอบล่าสุด")[1]
    assert "IPC01_result" not in latest and "2566-01.jsonl" not in latest  # the older files are not on it
    # the summary and the charts are of every file received
    assert '<td>ศูนย์ภาค 1</td><td>IPC01</td><td class="n">1</td>' in index
    links = re.findall(r'<a href="(received/[^"]+)">', index)
    assert links == ["received/2566-03.html", "received/2566-02.html", "received/2566-01.html"]
    assert sorted(p.name for p in (out / RECEIVED).glob("*.html")) == ["2566-01.html", "2566-02.html", "2566-03.html"]
    assert [p.name for p in report.months_written] == ["2566-01.html", "2566-02.html", "2566-03.html"]
    january = (out / RECEIVED / "2566-01.html").read_text(encoding="utf-8")
    assert _details(january) == [f"IPC01_result_2566-01{SCRIPT}".replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;") + ".csv"]
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in january and "<script>" not in january
    assert "ค่าต้องเป็นตัวเลข" in january and 'href="../index.html"' in january
    assert _details((out / RECEIVED / "2566-02.html").read_text(encoding="utf-8")) == ["2566-01.jsonl"]


def test_a_run_that_received_nothing_says_so(tmp_path):
    db = _warehouse(tmp_path, previous_build=2)
    index = _pages(db, tmp_path / "out").index.read_text(encoding="utf-8")
    assert _details(index) == []
    assert "รอบล่าสุดไม่ได้รับไฟล์ใหม่" in index and "The latest run received no new files." in index
    assert re.findall(r'<a href="(received/[^"]+)">', index) == ["received/2566-01.html"]


def test_only_month_pages_whose_files_or_findings_changed_are_written_again(tmp_path):
    db, out = _warehouse(tmp_path, _month_files(), previous_build=2), tmp_path / "out"
    pages = [out / RECEIVED / f"{month}.html" for month in ("2566-01", "2566-02", "2566-03")]
    _pages(db, out)
    stamps = _stamps(pages)
    assert _pages(db, out).months_written == []
    assert _stamps(pages) == stamps  # nothing new: nothing rewritten (a rewrite replaces the file)

    _edit(db, "update quality.findings set value = 'changed' where file_sha256 = '" + "b" * 64 + "'")
    assert [p.name for p in _pages(db, out).months_written] == ["2566-02.html"]
    after = _stamps(pages)
    assert [name for name in stamps if after[name] != stamps[name]] == ["2566-02.html"]
    assert "<code>changed</code>" in pages[1].read_text(encoding="utf-8")

    _edit(db, "update quality.files set status = 'superseded' where file_sha256 = '" + "a" * 64 + "'")
    _pages(db, out)
    assert [name for name in stamps if _stamps(pages)[name] != after[name]] == ["2566-01.html"]

    pages[2].unlink()  # a missing page, or a damaged record of them, is written again
    (out / RECEIVED / PAGE_FINGERPRINTS).write_text('{"2566-01.html": 1', encoding="utf-8")
    assert [p.name for p in _pages(db, out).months_written] == ["2566-01.html", "2566-02.html", "2566-03.html"]


def test_the_page_of_a_month_without_files_is_removed(tmp_path):
    db, out = _warehouse(tmp_path, _month_files(), previous_build=2), tmp_path / "out"
    _pages(db, out)
    (out / RECEIVED / "notes.html").write_text("not a month's page", encoding="utf-8")
    (out / RECEIVED / "2565-12.html").write_text("a month no record names", encoding="utf-8")
    _edit(db, "delete from quality.files where file_sha256 = '" + "b" * 64 + "'")
    index = _pages(db, out).index.read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / RECEIVED).glob("*.html")) == ["2566-01.html", "2566-03.html", "notes.html"]
    assert "received/2566-02.html" not in index


def test_month_pages_written_in_batches_are_those_written_at_once(tmp_path, monkeypatch):
    db = _warehouse(tmp_path, _month_files(), previous_build=2)
    _pages(db, tmp_path / "at-once")
    monkeypatch.setattr(report_module, "PAGE_BATCH_FILES", 1)  # one month a batch
    assert len(_pages(db, tmp_path / "batches").months_written) == 3
    for page in (tmp_path / "at-once" / RECEIVED).glob("*.html"):
        assert page.read_text(encoding="utf-8") == (tmp_path / "batches" / RECEIVED / page.name).read_text(encoding="utf-8")
