"""The contract's reference data as the readers need it before dbt has run.

The files are the dbt seeds (one copy of the contract's `reference/`, and
`submitters.csv`, who may send regional reports); dbt loads the same files into
the `reference` schema, where every SQL model and report reads them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"


def _column(seeds_dir: Path, seed: str, column: str) -> frozenset[str]:
    with (seeds_dir / seed).open(encoding="utf-8") as handle:
        return frozenset(row[column] for row in csv.DictReader(handle))


@dataclass(frozen=True)
class Reference:
    submitters: frozenset[str]  # IPC01..IPC11, PIO + province code, DIPROM

    @classmethod
    def from_seeds(cls, seeds_dir: Path = SEEDS_DIR) -> Reference:
        return cls(submitters=_column(seeds_dir, "submitters.csv", "submitter"))
