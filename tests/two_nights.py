"""Two nights of hand-made files, each rule alone, versions, corrections and
warnings, the second night watched by eight analysts reading analytics.duckdb:
one scenario shared by the rule tests and the rebuild test."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import materialize_nightly_load, query
from tests.readers import readers_watching

HEADER = "จังหวัด,รหัสโครงการ,กิจกรรม,ผู้ประกอบการ (ราย),สถานประกอบการ (แห่ง),มูลค่าทางเศรษฐกิจ (ล้านบาท),งบประมาณเบิกจ่าย (ล้านบาท)\n"
ONE_ROW_PER_RULE = (
    HEADER
    + "\n".join(
        [
            "ลำพูน,OTOP,ok,5,,1.5,0.1",  # 2 accepted
            ",OTOP,no province,1,,,",  # 3 RR01 province
            "ลำพูน,,no programme,1,,,",  # 4 RR01 program_code
            "ลำพูน,CE,text,สิบ,,,",  # 5 RR02
            "ลำพูน,CE,fraction,2.5,,,",  # 6 RR02
            "ลำพูน,CE,negative,,-1,,",  # 7 RR03
            "Atlantis,CE,unknown province,1,,,",  # 8 RR04
            "Chiang Mai,CE,outside the area,1,,,",  # 9 RR05
            "lamphun ,zzz,unknown programme,1,,,",  # 10 RR06
            "๕๑,otop, OK ,9,,,",  # 11 RR07: the key of line 2 after normalisation
            "ลำพูน,CE,à¸šà¸£,1,,,",  # 12 RR10
            'ลำพูน,HERO,money,1,,"1,234.5",-',  # 13 accepted
            "รวม,,,7,,1236,0.1",  # 14 total: entrepreneurs 7 against 6 accepted
        ]
    )
    + "\n"
)


# Thai as people type it (the head office may report any province): provinces
# written as people say them, ำ typed as ํ + า, the entrepreneurs header with
# its tone mark typed before the vowel. The rows say which province each is.
AM = "\u0e4d\u0e32"  # ํ + า, drawn as ำ
SPELLINGS = (
    "\n".join(
        [
            "จังหวัด,รหัสโครงการ,กิจกรรม,ผ\u0e49\u0e39ประกอบการ (ราย),มูลค่าทางเศรษฐกิจ (ล้านบาท)",
            f"ล{AM}ปาง,OTOP,อบรมการทำบัญชี,1,0.5",  # 2 52
            f"ก{AM}แพงเพชร,OTOP,อบรม,2,",  # 3 62
            "กรุงเทพฯ,OTOP,อบรม,3,",  # 4 10
            "กทม.,CE,อบรม,4,",  # 5 10
            "อยุธยา,OTOP,อบรม,5,",  # 6 14
            "โคราช,OTOP,อบรม,6,",  # 7 30
            "จ.ชลบุรี,OTOP,อบรม,7,",  # 8 20
            "จังหวัดชลบุรี,CE,อบรม,8,",  # 9 20
            "Chonburi,HERO,อบรม,9,",  # 10 20
            "Korat,CE,อบรม,10,",  # 11 30
            "เชียงใหม,OTOP,อบรม,1,",  # 12 RR04, did you mean เชียงใหม่?
            "ลำปาง,otp,อบรม,1,",  # 13 RR06, did you mean OTOP?
            f"ลำปาง, otop ,อบรมการท{AM}บัญชี ,1,",  # 14 RR07: line 2's key as a reader sees it
        ]
    )
    + "\n"
)
# A typing slip in a header: the file loads, RF07 says whose figures count nowhere.
LOOK_ALIKE_HEADER = "จังหวัด,รหัสโครงการ,กิจกรรม,ผู้ประกอบกร (ราย),มูลค่าทางเศรษฐกิจ (ล้านบาท)\nลำพูน,OTOP,อบรม,5,1.5\n"


def submission(submission_id: str, period: str, submitted_at: str, **changes) -> dict:
    record = {
        "submission_id": submission_id,
        "submitted_at": submitted_at,
        "period": period,
        "factory_id": "10510000125401",
        "owner_id": "0105536112014",
        "factory_name": "บริษัท ลำไยทอง จำกัด",
        "tsic_code": "10309",
        "province_code": "51",
        "location": {"type": "outside"},
        "workers": {"thai_male": 10, "thai_female": 10, "foreign_male": 0, "foreign_female": 0},
        "production_value_baht": "1,000,000",
        "electricity_kwh": 20000,
    }
    record.update(changes)
    return record


def jsonl(*records: dict) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# IS12: three ordinary months, then a month of 30 times the electricity per worker.
FACTORY_MONTHS = jsonl(
    submission("M-10", "2565-10", "2022-11-05T09:00:00+07:00"),
    submission("M-11", "2565-11", "2022-12-05T09:00:00+07:00"),
    submission("M-12", "2565-12", "2023-01-05T09:00:00+07:00"),
    submission("M-01", "2566-01", "2023-02-05T09:00:00+07:00", electricity_kwh="๖๐๐,๐๐๐"),
)
# Production lines: a negative quantity (IS07), lines that are not a list (IS02), damaged product text (IS10).
PRODUCTION = jsonl(
    submission(
        "P-1",
        "2565-11",
        "2022-12-06T09:00:00+07:00",
        production=[{"product": "ลำไยอบแห้ง", "quantity": -5, "unit": "กก.", "value_baht": 100}],
    ),
    submission("P-2", "2565-11", "2022-12-06T09:00:00+07:00", production={"product": "ลำไยอบแห้ง"}),
    submission(
        "P-3",
        "2565-11",
        "2022-12-06T09:00:00+07:00",
        production=[{"product": "à¸¥à¸³à¹„à¸¢", "quantity": 5, "unit": "กก.", "value_baht": 100}],
    ),
)
# Location types and estate codes typed another way; the marts carry the reference's spelling.
LOCATIONS = jsonl(
    submission(
        "L-1",
        "2566-01",
        "2023-02-05T09:00:00+07:00",
        factory_id="72510009925601",
        location={"type": " Industrial_Estate", "estate_code": "nrie\u200b"},
    ),
    submission("L-2", "2566-01", "2023-02-05T09:00:00+07:00", factory_id="10510009825601", location={"type": "OUTSIDE"}),
)
# A correction of January, arriving in the next run with more workers.
CORRECTION = jsonl(
    submission(
        "M-01-fix",
        "2566-01",
        "2023-02-20T09:00:00+07:00",
        workers={"thai_male": 15, "thai_female": 10, "foreign_male": 0, "foreign_female": 0},
    ),
    submission("M-10", "2565-10", "2022-11-05T09:00:00+07:00", factory_name="changed"),  # IS09
)


READERS_WATCH_SECONDS = 24


def month_report(entrepreneurs: int) -> str:
    return HEADER + f"Chiang Mai,OTOP,training,{entrepreneurs},,,\n"


@dataclass(frozen=True)
class TwoNights:
    analytics: Path
    files_after_first: int
    readers: list[dict]  # what each reader saw during the second night


def build_two_nights(root: Path) -> TwoNights:
    reports = root / "landing" / "regional_reports"
    reports.mkdir(parents=True)
    (reports / "PIO51_result_2566-01.csv").write_text(ONE_ROW_PER_RULE, encoding="utf-8")
    # RR08: IPC01's OTOP entrepreneurs per month; February is far above the usual month.
    for month, value in [("2565-10", 10), ("2565-11", 12), ("2565-12", 8), ("2566-01", 11), ("2566-02", 200)]:
        (reports / f"IPC01_result_{month}.csv").write_text(month_report(value), encoding="utf-8")
    # Versions: v2 supersedes v1; a rejected v3 supersedes nothing.
    (reports / "PIO51_result_2565-12.csv").write_text(HEADER + "ลำพูน,CE,a,1,,,\n", encoding="utf-8")
    (reports / "PIO51_result_2565-12_v2.csv").write_text(HEADER + "ลำพูน,CE,a,2,,,\n", encoding="cp874")
    (reports / "PIO51_result_2565-12_v3.csv").write_text("จังหวัด,กิจกรรม,ผู้ประกอบการ\nลำพูน,a,3\n", encoding="utf-8")
    # Re-sent under the same name with new content: the content seen last is current.
    (reports / "PIO51_result_2565-11.csv").write_text(HEADER + "ลำพูน,CE,a,30,,,\n", encoding="utf-8")
    (reports / "DIPROM_result_2566-03.csv").write_text(SPELLINGS, encoding="utf-8")
    (reports / "PIO51_result_2566-02.csv").write_text(LOOK_ALIKE_HEADER, encoding="utf-8")
    factories = root / "landing" / "isingleform"
    factories.mkdir()
    (factories / "months.jsonl").write_text(FACTORY_MONTHS, encoding="utf-8")
    (factories / "production.jsonl").write_text(PRODUCTION, encoding="utf-8")
    (factories / "locations.jsonl").write_text(LOCATIONS, encoding="utf-8")
    result = materialize_nightly_load(root / "landing", root / "warehouse", with_gx_checks=False)
    assert result.success
    analytics = root / "warehouse" / "analytics.duckdb"
    [(files_after_first,)] = query(analytics, "SELECT count(*) FROM quality.files")
    (reports / "PIO51_result_2565-11.csv").write_text(HEADER + "ลำพูน,CE,a,31,,,\n", encoding="utf-8")
    (factories / "correction.jsonl").write_text(CORRECTION, encoding="utf-8")
    with readers_watching(analytics, root / "stop_reading") as readers:
        watching_since = time.monotonic()
        time.sleep(2)
        result = materialize_nightly_load(root / "landing", root / "warehouse", with_gx_checks=False)
        # An incremental night can be over in seconds; the readers (one query every
        # 3 s) keep watching long enough to show they read before, during and after it.
        time.sleep(max(2.0, READERS_WATCH_SECONDS - (time.monotonic() - watching_since)))
    assert result.success
    return TwoNights(analytics, files_after_first, readers)
