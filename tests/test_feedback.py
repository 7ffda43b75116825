"""The quality report and the feedback workbooks, on hostile warehouse text."""

import dataclasses
import json
import re
import zipfile
from datetime import UTC, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from expectations.data_docs import MissingVendoredAsset, _rewrite, make_offline
from reporting.feedback.data import QualityData
from reporting.feedback.report import render_quality_report
from reporting.feedback.workbooks import factory_workbook_name, write_feedback_workbooks

SCRIPT = "<script>alert('x')</script>"
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1", "\t=1+1", "\r=1+1", "#N/A", "#DIV/0!"]


def _data() -> QualityData:
    files = pd.DataFrame(
        [
            dict(region_no=1, region_name="ศูนย์ภาค 1", source="regional_reports", submitter="IPC01", path=f"IPC01_result_2566-01{SCRIPT}.csv",
                 file_sha256="a" * 64, period="2566-01", version=1, status="loaded", rule_id=None,
                 rows_read=3, rows_accepted=1, rows_quarantined=2, warnings=0, first_seen_at=None),
            dict(region_no=5, region_name="ศูนย์ภาค 5", source="isingleform", submitter="โรงงาน", path="2566-01.jsonl",
                 file_sha256="b" * 64, period=None, version=None, status="loaded", rule_id=None,
                 rows_read=2, rows_accepted=1, rows_quarantined=1, warnings=0, first_seen_at=None),
        ]
    )  # fmt: skip
    findings = pd.DataFrame(
        [
            *(dict(path=files.path[0], file_sha256="a" * 64, source="regional_reports", submitter="IPC01", row_number=i + 2,
                   rule_id="RR03", severity="error", message_th="ค่าต้องเป็นตัวเลข", message_en=f"not a number {SCRIPT}",
                   column_name="ผู้ประกอบการ", value=v, factory_province=None) for i, v in enumerate(FORMULAS)),
            dict(path="2566-01.jsonl", file_sha256="b" * 64, source="isingleform", submitter="10500000000001", row_number=1,
                 rule_id="IS03", severity="error", message_th="ไม่รู้จักจังหวัด", message_en="unknown province",
                 column_name="province_code", value="=cmd|' /C calc'!A0", factory_province="50"),
        ]
    )  # fmt: skip
    quality = pd.DataFrame(
        [
            dict(region_no=1, region_name="ศูนย์ภาค 1", source="regional_reports", submitter="IPC01", period="2566-01", files=1,
                 rows_read=3, rows_accepted=1, rows_quarantined=2, warnings=0, accepted_pct=33.3),
            dict(region_no=1, region_name="ศูนย์ภาค 1", source="isingleform", submitter="PIO50", period="2566-01", files=1,
                 rows_read=2, rows_accepted=1, rows_quarantined=1, warnings=0, accepted_pct=50.0),
        ]
    )  # fmt: skip
    overdue = pd.DataFrame(
        [dict(submitter="PIO50", period="2566-01", due_date="2023-02-15", status="missing", days_late=None),
         dict(submitter="IPC01", period="2566-01", due_date="2023-02-15", status="late", days_late=3)]
    )  # fmt: skip
    return QualityData(files=files, findings=findings, submission_quality=quality, provinces={"50": "เชียงใหม่"}, overdue=overdue)


def test_report_escapes_every_warehouse_text_and_keeps_thai():
    html = render_quality_report(_data(), datetime(2026, 11, 22, tzinfo=UTC))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "ค่าต้องเป็นตัวเลข" in html and "ศูนย์ภาค 1" in html
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in html  # shown as text, never as a link
    assert 'href="http' not in html and "src=" not in html
    assert 'href="IPC01.xlsx"' in html and 'href="factories-50.xlsx"' in html
    assert "ยังไม่ส่ง / missing (1):</b> PIO50" in html and "IPC01 (3 วัน)" in html


def test_workbooks_hold_formulas_as_text(tmp_path):
    written = write_feedback_workbooks(_data(), tmp_path)
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


def test_only_workbooks_whose_rows_changed_are_written_again(tmp_path):
    data = _data()
    written = write_feedback_workbooks(data, tmp_path)
    stamps = {p.name: p.stat().st_ino for p in written}
    assert write_feedback_workbooks(data, tmp_path) == written
    assert {p.name: p.stat().st_ino for p in written} == stamps  # nothing new: nothing rewritten (a rewrite replaces the file)

    data.findings.loc[data.findings["source"] == "isingleform", "value"] = "99"
    write_feedback_workbooks(data, tmp_path)
    assert (tmp_path / "IPC01.xlsx").stat().st_ino == stamps["IPC01.xlsx"]
    province = factory_workbook_name("50")
    assert (tmp_path / province).stat().st_ino != stamps[province]
    assert load_workbook(tmp_path / province)["ข้อผิดพลาด"]["I2"].value == "99"


def test_a_missing_workbook_or_a_damaged_record_of_them_is_written_again(tmp_path):
    data = _data()
    write_feedback_workbooks(data, tmp_path)
    (tmp_path / "IPC01.xlsx").unlink()
    write_feedback_workbooks(data, tmp_path)
    assert load_workbook(tmp_path / "IPC01.xlsx")["ข้อผิดพลาด"]["A1"].value == "ไฟล์ (File)"

    (tmp_path / ".workbook-fingerprints.json").write_text('{"IPC01.xlsx": 1, "../index.html": "x", "index.html": "x"', encoding="utf-8")
    (tmp_path / "index.html").write_text("the report", encoding="utf-8")
    stamp = (tmp_path / "IPC01.xlsx").stat().st_ino
    write_feedback_workbooks(data, tmp_path)
    assert (tmp_path / "IPC01.xlsx").stat().st_ino != stamp
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "the report"
    (tmp_path / ".workbook-fingerprints.json").write_text('["IPC01.xlsx"]', encoding="utf-8")
    write_feedback_workbooks(data, tmp_path)
    assert (tmp_path / "IPC01.xlsx").exists()


def test_a_workbook_nobody_has_findings_for_is_removed(tmp_path):
    data = _data()
    write_feedback_workbooks(data, tmp_path)
    (tmp_path / "index.html").write_text("the report", encoding="utf-8")
    fingerprints = json.loads((tmp_path / ".workbook-fingerprints.json").read_text(encoding="utf-8"))
    fingerprints["index.html"] = "listed by a damaged record"
    (tmp_path / ".workbook-fingerprints.json").write_text(json.dumps(fingerprints), encoding="utf-8")
    data = dataclasses.replace(data, findings=data.findings[data.findings["source"] != "isingleform"])
    assert [p.name for p in write_feedback_workbooks(data, tmp_path)] == ["IPC01.xlsx"]
    assert not (tmp_path / factory_workbook_name("50")).exists()
    assert (tmp_path / "index.html").exists()


CONTROL = "โรงงาน\x00ลำ\x01พูน\x1b[31m\x7f"


def test_control_characters_are_shown_never_refused(tmp_path):
    data = _data()
    findings = data.findings.copy()
    findings.loc[0, "value"] = CONTROL
    findings.loc[1, "value"] = "ก" * 40_000  # more than a workbook cell holds
    data = dataclasses.replace(data, findings=findings)
    write_feedback_workbooks(data, tmp_path)
    values = [row[8] for row in load_workbook(tmp_path / "IPC01.xlsx")["ข้อผิดพลาด"].iter_rows(min_row=2, values_only=True)]
    assert values[0] == "โรงงาน␀ลำ␁พูน␛[31m␡"
    assert len(values[1]) == 32_767 and values[1].endswith("… [cut]")
    html = render_quality_report(data, datetime(2026, 11, 22, tzinfo=UTC))
    assert "โรงงาน␀ลำ␁พูน␛[31m␡" in html and "\x00" not in html and "\x1b" not in html
