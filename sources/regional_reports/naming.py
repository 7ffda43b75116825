"""What a regional report's file name says: who sent it, what it is, for when."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sources.file_outcome import FileFinding
from sources.thai import FIRST_FISCAL_YEAR, BEMonth

_NAME = re.compile(
    r"(?P<submitter>[a-z]+\d*)_(?P<kind>plan|result)_(?P<period>[0-9-]+)(?:_v(?P<version>\d+))?\.(?:csv|xlsx)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReportName:
    submitter: str
    kind: str  # 'plan' | 'result'
    period: str  # 'YYYY' fiscal year for a plan, 'YYYY-MM' month for a result
    version: int


@dataclass(frozen=True)
class NameProblem:
    finding: FileFinding  # RF02 or RF03


_PATTERN_EN = "expected <SUBMITTER>_<plan|result>_<period>[_v<N>].<csv|xlsx>"
_PATTERN_TH = "รูปแบบที่ถูกต้องคือ <หน่วยงาน>_<plan|result>_<งวด>[_v<N>].<csv|xlsx>"


def _name_problem(value: str, detail_en: str, detail_th: str) -> NameProblem:
    return NameProblem(FileFinding("RF02", value, None, detail_en, detail_th))


def _period_problem(period: str, detail_en: str, detail_th: str) -> NameProblem:
    return NameProblem(FileFinding("RF03", period, None, detail_en, detail_th))


def named_submitter(file_name: str) -> str | None:
    """The submitter a report's name names, whether or not the rest of the name is valid."""
    match = _NAME.fullmatch(file_name)
    return match["submitter"].upper() if match else None


def parse_report_name(file_name: str, submitters: frozenset[str], run_month: BEMonth) -> ReportName | NameProblem:
    """Read a file name; a name that breaks the contract says which rule and why.
    `submitters`: the codes of the seed `submitters.csv` (sources/reference.py)."""
    match = _NAME.fullmatch(file_name)
    if not match:
        return _name_problem(file_name, _PATTERN_EN, _PATTERN_TH)
    submitter = match["submitter"].upper()
    if submitter not in submitters:
        return _name_problem(
            submitter,
            f"unknown submitter {submitter} (IPC01-IPC11, PIO<province code>, DIPROM)",
            f"ไม่รู้จักหน่วยงาน {submitter} (IPC01-IPC11, PIO<รหัสจังหวัด>, DIPROM)",
        )
    version = int(match["version"]) if match["version"] else 1
    if version < 1:
        return _name_problem(f"v{match['version']}", "versions are numbered from v1", "ฉบับที่ต้องเริ่มจาก v1")
    kind = match["kind"].lower()
    period = match["period"]
    if kind == "plan":
        if not re.fullmatch(r"\d{4}", period):
            return _period_problem(period, "a plan's period is a BE fiscal year such as 2566", "งวดของแผนต้องเป็นปีงบประมาณ พ.ศ. เช่น 2566")
        fiscal_year = int(period)
        # A plan may be filed before its fiscal year starts, but not years ahead.
        if fiscal_year < FIRST_FISCAL_YEAR:
            return _period_problem(period, "fiscal years before 2560 are not accepted", "ไม่รับปีงบประมาณก่อน 2560")
        if fiscal_year > run_month.fiscal_year + 1:
            return _period_problem(period, "the fiscal year lies more than a year ahead", "ปีงบประมาณอยู่ล่วงหน้าเกินหนึ่งปี")
    else:
        month = BEMonth.parse(period)
        if month is None:
            return _period_problem(
                period, "a result's period is a real BE month such as 2566-01", "งวดของผลการดำเนินงานต้องเป็นเดือนจริง เช่น 2566-01"
            )
        if month.fiscal_year < FIRST_FISCAL_YEAR:
            return _period_problem(period, "months before fiscal year 2560 are not accepted", "ไม่รับเดือนก่อนปีงบประมาณ 2560")
        if month > run_month:
            return _period_problem(
                period, f"the month lies after the month of the run ({run_month})", f"เป็นเดือนหลังเดือนที่ประมวลผล ({run_month})"
            )
    return ReportName(submitter, kind, period, version)
