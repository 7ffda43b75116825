"""Who has not sent last month's result, or sent it late (quality.submission_deadlines)."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from warehouse import duckdb_settings


@dataclass(frozen=True)
class DeadlineSummary:
    period: str | None  # the latest result month whose deadline has passed
    due_date: date | None
    missing: list[str]  # submitters with nothing usable for that month
    late: list[str]
    missing_overall: int  # submitter-months, all months
    late_overall: int

    @property
    def all_on_time(self) -> bool:
        return not self.missing and not self.late


def latest_deadlines(warehouse_db: Path) -> DeadlineSummary:
    with duckdb_settings.connect(warehouse_db, read_only=True) as con:
        [(period, due_date)] = con.execute("select max(period), max(due_date) from quality.submission_deadlines").fetchall()
        by_status = dict(
            con.execute(
                "select status, list(submitter order by submitter) from quality.submission_deadlines where period = ? group by all",
                [period],
            ).fetchall()
        )
        overall = dict(con.execute("select status, count(*) from quality.submission_deadlines group by all").fetchall())
    return DeadlineSummary(
        period=period,
        due_date=due_date,
        missing=by_status.get("missing", []),
        late=by_status.get("late", []),
        missing_overall=overall.get("missing", 0),
        late_overall=overall.get("late", 0),
    )
