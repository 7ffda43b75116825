import pytest

from sources.reference import Reference
from sources.regional_reports.naming import NameProblem, ReportName, parse_report_name
from sources.thai import BEMonth

SUBMITTERS = Reference.from_seeds().submitters
RUN_MONTH = BEMonth(2566, 3)


def parse(name: str):
    return parse_report_name(name, SUBMITTERS, RUN_MONTH)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("IPC02_plan_2566.xlsx", ReportName("IPC02", "plan", "2566", 1)),
        ("PIO51_result_2566-01.csv", ReportName("PIO51", "result", "2566-01", 1)),
        ("IPC07_result_2565-12_v2.xlsx", ReportName("IPC07", "result", "2565-12", 2)),
        ("ipc07_RESULT_2565-12_V3.XLSX", ReportName("IPC07", "result", "2565-12", 3)),
        ("DIPROM_plan_2567.csv", ReportName("DIPROM", "plan", "2567", 1)),
    ],
)
def test_names_that_follow_the_pattern(name, expected):
    assert parse(name) == expected


@pytest.mark.parametrize(
    "name, value",
    [
        ("ipc02-results-march.csv", "ipc02-results-march.csv"),
        ("IPC02_plan_2566.xls", "IPC02_plan_2566.xls"),
        ("IPC02_forecast_2566.csv", "IPC02_forecast_2566.csv"),
        ("IPC12_plan_2566.csv", "IPC12"),
        ("IPC00_plan_2566.csv", "IPC00"),
        ("PIO99_result_2566-01.csv", "PIO99"),
        ("ABC_plan_2566.csv", "ABC"),
        ("IPC01_plan_2566_v0.csv", "v0"),
    ],
)
def test_bad_names_and_unknown_submitters_break_rf02(name, value):
    problem = parse(name)
    assert isinstance(problem, NameProblem)
    assert (problem.finding.rule_id, problem.finding.value) == ("RF02", value)
    assert problem.finding.detail_en and problem.finding.detail_th


@pytest.mark.parametrize(
    "name",
    [
        "IPC01_result_2566-13.csv",  # month 13
        "IPC01_result_2566-00.csv",
        "IPC01_plan_2559.csv",  # before FY2560
        "IPC01_result_2559-09.csv",  # FY2559
        "IPC01_result_2566-04.csv",  # after the month of the run
        "IPC01_plan_2568.csv",  # more than a year ahead
        "IPC01_plan_2566-01.csv",  # a plan's period is a year
        "IPC01_result_2566.csv",  # a result's period is a month
    ],
)
def test_periods_that_are_not_real_break_rf03(name):
    problem = parse(name)
    assert isinstance(problem, NameProblem)
    assert problem.finding.rule_id == "RF03"


def test_the_first_month_of_fy2560_and_the_month_of_the_run_are_accepted():
    assert isinstance(parse("IPC01_result_2559-10.csv"), ReportName)
    assert isinstance(parse("IPC01_result_2566-03.csv"), ReportName)
    assert isinstance(parse("IPC01_plan_2567.csv"), ReportName)
