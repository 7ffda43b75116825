"""What a regional report's file name says: who sent it, what it is, for when."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sources.thai import FIRST_FISCAL_YEAR, BEMonth

_NAME = re.compile(
    r"(?P<submitter>[a-z]+\d*)_(?P<kind>plan|result)_(?P<period>[0-9-]+)(?:_v(?P<version>\d+))?\.(?:csv|xlsx)",
    re.IGNORECASE,
)
_IPC = re.compile(r"IPC(0[1-9]|1[01])")
_PIO = re.compile(r"PIO(\d{2})")


@dataclass(frozen=True)
class ReportName:
    submitter: str
    kind: str  # 'plan' | 'result'
    period: str  # 'YYYY' fiscal year for a plan, 'YYYY-MM' month for a result
    version: int


@dataclass(frozen=True)
class NameProblem:
    rule_id: str  # RF02 or RF03
    value: str


def is_known_submitter(code: str, province_codes: frozenset[str]) -> bool:
    if code == "DIPROM" or _IPC.fullmatch(code):
        return True
    pio = _PIO.fullmatch(code)
    return bool(pio) and pio[1] in province_codes


def parse_report_name(
    file_name: str, province_codes: frozenset[str], run_month: BEMonth
) -> ReportName | NameProblem:
    """Read a file name; a name that breaks the contract says which rule and why."""
    match = _NAME.fullmatch(file_name)
    if not match:
        return NameProblem("RF02", file_name)
    submitter = match["submitter"].upper()
    if not is_known_submitter(submitter, province_codes):
        return NameProblem("RF02", submitter)
    version = int(match["version"]) if match["version"] else 1
    if version < 1:
        return NameProblem("RF02", f"v{match['version']}")
    kind = match["kind"].lower()
    period = match["period"]
    if kind == "plan":
        if not re.fullmatch(r"\d{4}", period):
            return NameProblem("RF03", period)
        fiscal_year = int(period)
        # A plan may be filed before its fiscal year starts, but not years ahead.
        if not FIRST_FISCAL_YEAR <= fiscal_year <= run_month.fiscal_year + 1:
            return NameProblem("RF03", period)
    else:
        month = BEMonth.parse(period)
        if month is None or month.fiscal_year < FIRST_FISCAL_YEAR or month > run_month:
            return NameProblem("RF03", period)
    return ReportName(submitter, kind, period, version)
