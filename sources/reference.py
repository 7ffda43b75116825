"""The contract's reference data as the readers need it before dbt has run.

The files are the dbt seeds (one copy of the contract's `reference/`); dbt
loads the same files into the `reference` schema.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"


@dataclass(frozen=True)
class Reference:
    province_codes: frozenset[str]

    @classmethod
    def from_seeds(cls, seeds_dir: Path = SEEDS_DIR) -> "Reference":
        with (seeds_dir / "provinces.csv").open(encoding="utf-8") as handle:
            codes = frozenset(row["province_code"] for row in csv.DictReader(handle))
        return cls(province_codes=codes)
