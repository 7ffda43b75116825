"""How old the analysts' copy is, and when that is too old.

`analytics.duckdb` is replaced whole at the end of each successful run
(warehouse/publish.py), so the file's modification time is when its figures
were published.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEFAULT_FRESHNESS_HOURS = 26.0  # a nightly load, with two hours' slack for a slow night


def freshness_limit() -> timedelta:
    """`DIPROM_FRESHNESS_HOURS`, else 26 hours."""
    raw = os.environ.get("DIPROM_FRESHNESS_HOURS", "").strip()
    try:
        hours = float(raw) if raw else DEFAULT_FRESHNESS_HOURS
    except ValueError as error:
        raise ValueError(f"DIPROM_FRESHNESS_HOURS must be a number of hours, not {raw!r}") from error
    if hours <= 0:
        raise ValueError(f"DIPROM_FRESHNESS_HOURS must be more than 0, not {raw!r}")
    return timedelta(hours=hours)


@dataclass(frozen=True)
class Freshness:
    published_at: datetime | None  # None: never published
    age: timedelta | None
    limit: timedelta

    @property
    def overdue(self) -> bool:
        return self.age is None or self.age > self.limit


def copy_freshness(analytics_db: Path, now: datetime | None = None, limit: timedelta | None = None) -> Freshness:
    now = now or datetime.now(UTC)
    limit = limit or freshness_limit()
    try:
        published_at = datetime.fromtimestamp(analytics_db.stat().st_mtime, UTC)
    except FileNotFoundError:
        return Freshness(None, None, limit)
    return Freshness(published_at, max(now - published_at, timedelta(0)), limit)
