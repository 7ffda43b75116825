"""Deterministic i-Single Form submissions: factories x months of FY2566, valid
by the contract, with about 3 % of lines breaking a rule (IS03, IS06, IS07)
and 1 % re-sent duplicates. Used by the bundled sample and the load benchmarks.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from sources.reference import SEEDS_DIR

MONTHS = ["2565-10", "2565-11", "2565-12", "2566-01", "2566-02", "2566-03",
          "2566-04", "2566-05", "2566-06", "2566-07", "2566-08", "2566-09"]


def thai_id(rng: random.Random, first: str) -> str:
    digits = first + "".join(str(rng.randint(0, 9)) for _ in range(11))
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits))
    return digits + str((11 - total % 11) % 10)


def _codes(name: str, column: str) -> list[str]:
    with (SEEDS_DIR / name).open(encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def submissions(count: int, seed: int = 6):
    rng = random.Random(seed)
    provinces = _codes("provinces.csv", "province_code")
    divisions = [d for d in _codes("tsic_divisions.csv", "division") if "10" <= d <= "33"]
    factories = []
    for number in range(max(1, count // len(MONTHS))):
        province = rng.choice(provinces)
        factories.append({
            "factory_id": f"10{province}{number:05d}25{rng.randint(40, 65):02d}{rng.randint(0, 9)}",
            "owner_id": thai_id(rng, rng.choice("0123")),
            "factory_name": f"บริษัท ทดสอบ {number} จำกัด",
            "tsic_code": rng.choice(divisions) + f"{rng.randint(100, 999)}",
            "province_code": province,
            "workers": rng.randint(5, 400),
        })
    emitted = 0
    for month_index, period in enumerate(MONTHS):
        submitted_month = MONTHS[month_index + 1] if month_index + 1 < len(MONTHS) else "2566-10"
        ce_year, month = int(submitted_month[:4]) - 543, submitted_month[5:]
        for factory in factories:
            if emitted >= count:
                return
            workers = factory["workers"]
            record = {
                "submission_id": f"ISF-{period}-{factory['factory_id']}",
                "submitted_at": f"{ce_year}-{month}-10T09:00:00+07:00",
                "period": period,
                "factory_id": factory["factory_id"], "owner_id": factory["owner_id"],
                "factory_name": factory["factory_name"], "tsic_code": factory["tsic_code"],
                "province_code": factory["province_code"], "location": {"type": "outside"},
                "workers": {"thai_male": workers // 2, "thai_female": workers - workers // 2, "foreign_male": 0, "foreign_female": 0},
                "production_value_baht": workers * rng.randint(20_000, 60_000),
                "electricity_kwh": workers * rng.randint(100, 300), "water_m3": workers * 3,
                "contact": {"name": "ผู้ติดต่อ", "phone": "080-000-0000", "email": "contact@example.co.th"},
            }
            roll = rng.random()
            if roll < 0.01:
                record["workers"]["thai_male"] = -1  # IS07
            elif roll < 0.02:
                record["owner_id"] = record["owner_id"][:-1] + str((int(record["owner_id"][-1]) + 1) % 10)  # IS03
            elif roll < 0.03:
                record["tsic_code"] = "04100"  # IS06
            line = json.dumps(record, ensure_ascii=False)
            yield line
            emitted += 1
            if rng.random() < 0.01 and emitted < count:
                yield line  # a re-sent duplicate
                emitted += 1


def write_jsonl(out: Path, count: int, seed: int = 6) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for line in submissions(count, seed):
            handle.write(line + "\n")
