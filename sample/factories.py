"""Six months (October 2565 - March 2566) of i-Single Form submissions from
about 650 factories, in every format the contract allows, calibrated so that
Lamphun in January 2566 has the published counts (sample/figures.py).

- `isingleform/<period>.jsonl`: the ministry's monthly bulk export;
- `isingleform/PIO84/<period>_flat.csv`: Surat Thani's factories for February
  as the flat CSV export, in Thai Windows encoding;
- `isingleform/corrections/2566-02_lamphun.json`: a JSON array of corrected
  January submissions, filed later in February, their locations keyed in
  again by hand (`Industrial_Estate`, `nrie`);
- `isingleform/late/<submission>.json`: one submission as a single object.

Errors are extra lines only (broken re-filings, a re-used submission id, a
line that is not JSON, re-sent duplicates), so the counts hold: whatever the
rules quarantine, every factory keeps one accepted submission for its month.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from pathlib import Path

from sample.figures import LAMPHUN_JANUARY_2566
from sample.tables import read_seed

MONTHS = ["2565-10", "2565-11", "2565-12", "2566-01", "2566-02", "2566-03"]
LAMPHUN = "51"
# Manufacturing divisions common in the north's estates and elsewhere.
DIVISIONS = ["10", "10", "11", "13", "16", "20", "22", "22", "23", "25", "25", "26", "26", "26", "27", "29", "31"]
# Provinces of the other factories, with estates where the reference has some.
OTHER_PROVINCES = ["50", "50", "57", "52", "20", "20", "25", "11", "12", "13", "30", "40", "84", "84", "90", "10"]
CSV_PROVINCE, CSV_MONTH = "84", "2566-02"
ERROR_RULES = ["IS01", "IS02", "IS03", "IS04", "IS05", "IS06", "IS07", "IS08", "IS09", "IS10", "IS11"]


def thai_id(rng: random.Random, first: str) -> str:
    """A 13-digit id starting with `first` whose check digit holds."""
    digits = first + "".join(str(rng.randint(0, 9)) for _ in range(11))
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits))
    return digits + str((11 - total % 11) % 10)


@dataclass(frozen=True)
class Factory:
    factory_id: str
    owner_id: str
    name: str
    tsic_code: str
    province_code: str
    location: dict
    workers: int
    first_period: str = "2565-10"  # the first month it files (a factory registered in 2566 starts late)


def _factory(rng: random.Random, number: int, province: str, location: dict, registered: int, first_period: str = MONTHS[0]) -> Factory:
    agency, zone = {"outside": ("1", "0"), "industrial_estate": ("7", "2"), "industrial_park": ("1", "3")}[location["type"]]
    if location["type"] == "outside" and rng.random() < 0.3:
        agency = "2"  # registered at the provincial office
    kind = rng.choice(["บริษัท", "บริษัท", "ห้างหุ้นส่วนจำกัด", "โรงงาน"])
    return Factory(
        factory_id=f"{agency}{zone}{province}{number:05d}{registered}{rng.randint(0, 9)}",
        owner_id=thai_id(rng, "0" if kind != "โรงงาน" else rng.choice("1358")),
        name=f"{kind} {rng.choice(NAME_PARTS)}{rng.choice(NAME_ENDINGS)} {number}" + (" จำกัด" if kind != "โรงงาน" else ""),
        tsic_code=rng.choice(DIVISIONS) + f"{rng.randint(100, 999)}",
        province_code=province,
        location=location,
        workers=rng.randint(350, 2500) if location["type"] == "industrial_estate" else rng.randint(5, 300),
        first_period=first_period,
    )


NAME_PARTS = ["ลำพูน", "สยาม", "ไทย", "เหนือ", "ดอยคำ", "แม่ปิง", "หริภุญชัย", "รุ่งเรือง", "สหกิจ", "นครไทย"]
NAME_ENDINGS = ["อุตสาหกรรม", "อิเล็กทรอนิกส์", "ฟู้ดส์", "พลาสติก", "การเกษตร", "เมทัล", "เท็กซ์ไทล์"]


def factories(seed: int = 6) -> list[Factory]:
    rng = random.Random(seed)
    estates = {row["estate_code"]: row for row in read_seed("estates.csv")}
    made: list[Factory] = []
    for place, count in LAMPHUN_JANUARY_2566.items():
        location = {"type": "outside"} if place == "outside" else {"type": estates[place]["type"], "estate_code": place}
        for _ in range(count):
            made.append(_factory(rng, len(made) + 1, LAMPHUN, location, rng.randint(2530, 2565)))
    for _ in range(6):  # registered in 2566: they file from February, so not in January's count
        made.append(_factory(rng, len(made) + 1, LAMPHUN, {"type": "outside"}, 2566, first_period="2566-02"))
    in_province = {code: [e for e in estates.values() if e["province_code"] == code] for code in OTHER_PROVINCES}
    for _ in range(180):
        province = rng.choice(OTHER_PROVINCES)
        location = {"type": "outside"}
        if in_province[province] and rng.random() < 0.4:
            estate = rng.choice(in_province[province])
            location = {"type": estate["type"], "estate_code": estate["estate_code"]}
        made.append(_factory(rng, len(made) + 1, province, location, rng.randint(2530, 2565)))
    return made


def _submitted_at(period: str, day: int, hour: int = 9) -> str:
    """A filing in the month after `period`, as an ISO timestamp (CE year)."""
    year, month = int(period[:4]) - 543, int(period[5:])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year}-{month:02d}-{day:02d}T{hour:02d}:{day % 60:02d}:00+07:00"


def submission(factory: Factory, period: str, rng: random.Random, day: int | None = None, suffix: str = "") -> dict:
    workers = factory.workers
    foreign = workers // 5 if factory.location["type"] != "outside" else 0
    thai = workers - foreign
    record = {
        "submission_id": f"ISF-{period.replace('-', '')}-{factory.factory_id}{suffix}",
        "submitted_at": _submitted_at(period, day or rng.randint(3, 15)),
        "period": period,
        "factory_id": factory.factory_id,
        "owner_id": factory.owner_id,
        "factory_name": factory.name,
        "factory_class": 3 if workers > 50 else rng.choice([2, 3]),
        "tsic_code": factory.tsic_code,
        "province_code": factory.province_code,
        "location": dict(factory.location),
        "workers": {
            "thai_male": thai // 2,
            "thai_female": thai - thai // 2,
            "foreign_male": foreign // 2,
            "foreign_female": foreign - foreign // 2,
        },
        "capital_baht": workers * 250_000,
        "production_value_baht": workers * rng.randint(40_000, 90_000),
        "electricity_kwh": workers * rng.randint(150, 400),
        "water_m3": workers * rng.randint(2, 6),
        "contact": {"name": "ฝ่ายบุคคล", "phone": "053-000-000", "email": "contact@example.co.th"},
    }
    if rng.random() < 0.3:
        record["production"] = [
            {
                "product": PRODUCTS[factory.tsic_code[:2]],
                "quantity": workers * 40,
                "unit": "ชิ้น",
                "value_baht": record["production_value_baht"],
            }
        ]
    if rng.random() < 0.2:
        record["legacy_registration_no"] = f"3-{rng.randint(1, 107)}-{rng.randint(1, 30)}/{rng.randint(30, 65)}ลพ"
    return record


PRODUCTS = {
    "10": "อาหารแปรรูป", "11": "เครื่องดื่ม", "13": "ผ้าทอ", "16": "ผลิตภัณฑ์ไม้", "20": "เคมีภัณฑ์", "22": "ชิ้นส่วนพลาสติก",
    "23": "เซรามิก", "25": "ชิ้นส่วนโลหะ", "26": "ชิ้นส่วนอิเล็กทรอนิกส์", "27": "อุปกรณ์ไฟฟ้า", "29": "ชิ้นส่วนยานยนต์", "31": "เฟอร์นิเจอร์",
}  # fmt: skip


def broken(record: dict, rule: str) -> str:
    """A re-filing of `record` that breaks `rule`: a line the rules quarantine, never counted."""
    bad = json.loads(json.dumps(record))
    bad["submission_id"] += "-R"
    bad["submitted_at"] = bad["submitted_at"][:11] + "23:00:00+07:00"  # filed after the good one
    if rule == "IS01":
        bad["factory_name"] = ""
    elif rule == "IS02":
        return json.dumps(bad, ensure_ascii=False)[:-25]  # cut off: not a JSON object
    elif rule == "IS03":
        bad["owner_id"] = bad["owner_id"][:-1] + str((int(bad["owner_id"][-1]) + 1) % 10)
    elif rule == "IS04":
        bad["factory_id"] = bad["factory_id"][:6] + "O" + bad["factory_id"][7:]  # a letter O for a zero
    elif rule == "IS05":
        bad["province_code"] = "50" if bad["province_code"] != "50" else "51"
    elif rule == "IS06":
        bad["tsic_code"] = "04100"
    elif rule == "IS07":
        bad["workers"]["thai_male"] = -bad["workers"]["thai_male"] or -1
    elif rule == "IS08":
        bad["period"] = _next_period(_next_period(record["period"]))  # later than the month it was filed in
    elif rule == "IS09":
        bad["submission_id"] = record["submission_id"]  # an id seen before, with other content
        bad["workers"]["thai_female"] += 3
    elif rule == "IS10":
        bad["factory_name"] = bad["factory_name"].encode("utf-8").decode("latin-1")
    elif rule == "IS11":
        bad["location"] = {"type": "industrial_estate"}
    return json.dumps(bad, ensure_ascii=False)


def _as_keyed_again(location: dict) -> dict:
    """A location as the office's system keys a correction in again: `Industrial_Estate`,
    `nrie`; the warehouse reads it as the reference spells it."""
    keyed = {"type": location["type"].title()}
    if "estate_code" in location:
        keyed["estate_code"] = location["estate_code"].lower()
    return keyed


def _next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"


def write_isingleform(landing: Path, seed: int = 6) -> int:
    """All the factories' files; returns the number of lines (records) written."""
    rng = random.Random(seed)
    plants = factories(seed)
    folder = landing / "isingleform"
    written = 0
    rule_turn = 0
    for period in MONTHS:
        lines, flat, corrections = [], [], []
        for number, factory in enumerate(plants):
            if period < factory.first_period:
                continue
            lamphun_january = factory.province_code == LAMPHUN and period == "2566-01"
            if not lamphun_january and rng.random() < 0.04:
                continue  # a month this factory did not file
            record = submission(factory, period, rng)
            if factory.province_code == CSV_PROVINCE and period == CSV_MONTH:
                flat.append(record)
                continue
            if number % 97 == 5 and period == "2566-03":
                record["production_value_baht"] *= 30  # IS12: far above its usual months (a warning)
            line = json.dumps(record, ensure_ascii=False)
            lines.append(line)
            if rng.random() < 0.012:
                lines.append(line)  # re-sent: a duplicate, ignored
            if rng.random() < 0.012:
                # one broken re-filing; Lamphun's January keeps its location even when broken
                rule = ERROR_RULES[rule_turn % len(ERROR_RULES)]
                if lamphun_january and rule in {"IS05", "IS11"}:
                    rule = "IS07"
                rule_turn += 1
                lines.append(broken(record, rule))
            if lamphun_january and number % 25 == 0:
                fix = submission(factory, period, rng, day=20, suffix="-FIX")
                fix["workers"]["thai_female"] += 2
                fix["location"] = _as_keyed_again(fix["location"])
                corrections.append(fix)
        written += _write_text(folder / f"{period}.jsonl", "".join(line + "\n" for line in lines), "utf-8")
        if flat:
            written += _write_text(folder / f"PIO{CSV_PROVINCE}" / f"{period}_flat.csv", _flat_csv(flat), "cp874", len(flat))
        if corrections:
            text = json.dumps(corrections, ensure_ascii=False, indent=1)
            written += _write_text(folder / "corrections" / f"{_next_period(period)}_lamphun.json", text, "utf-8", len(corrections))
    # a late filing of a December month, sent on its own
    late = submission(plants[-1], "2565-12", rng, day=28, suffix="-LATE")
    written += _write_text(folder / "late" / f"{late['submission_id']}.json", json.dumps(late, ensure_ascii=False, indent=2), "utf-8", 1)
    return written


FLAT_COLUMNS = [
    "submission_id", "submitted_at", "period", "factory_id", "owner_id", "factory_name", "factory_class", "tsic_code",
    "province_code", "location_type", "location_estate_code", "workers_thai_male", "workers_thai_female",
    "workers_foreign_male", "workers_foreign_female", "capital_baht", "production_value_baht", "electricity_kwh", "water_m3",
]  # fmt: skip


def _flat_csv(records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FLAT_COLUMNS)
    for r in records:
        writer.writerow([
            r["submission_id"], r["submitted_at"], r["period"], r["factory_id"], r["owner_id"], r["factory_name"],
            r["factory_class"], r["tsic_code"], r["province_code"], r["location"]["type"], r["location"].get("estate_code", ""),
            *(f"{r['workers'][k]:,}" for k in ("thai_male", "thai_female", "foreign_male", "foreign_female")),
            f"{r['capital_baht']:,}", f"{r['production_value_baht']:,}", r["electricity_kwh"], r["water_m3"],
        ])  # fmt: skip
    return out.getvalue()


def _write_text(path: Path, text: str, encoding: str, records: int | None = None) -> int:
    """Write unless the file exists (a landing folder is never rewritten); records in it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
    return records if records is not None else text.count("\n")
