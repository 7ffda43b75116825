"""`diprom-check FILE...`: what the night would make of files, before they are sent.

Exit status: 0 when every file would load whole (warnings allowed), 1 when one
would be rejected or have rows quarantined, 2 when the command itself could not
check (a file missing, a bad name).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checking.check import RULES_OF_LATER_FILES, Checker, FileCheck, ToCheck
from checking.names import SOURCES, BadName, guess_source, landing_name
from warehouse.layout import WarehouseLayout

STATUS_TEXT = {
    "loaded": ("จะนำเข้าได้", "would load"),
    "rejected": ("จะถูกปฏิเสธทั้งไฟล์", "would be rejected whole"),
    "superseded": (
        "จะถูกแทนที่ด้วยฉบับที่ใหม่กว่า (ที่ได้รับแล้ว หรือที่ตรวจพร้อมกัน)",
        "would be superseded by a later version (received, or checked with it)",
    ),
    "duplicate": ("เนื้อหาซ้ำกับไฟล์ที่ได้รับแล้ว จะไม่ถูกนำเข้าอีก", "same content as a file already received: not loaded again"),
    "already received": ("ได้รับไฟล์นี้แล้ว (ชื่อและเนื้อหาเดียวกัน)", "already received (same name and content)"),
}


def describe(result: FileCheck) -> tuple[str, str]:
    """(Thai, English) of what the night would do with a file."""
    th, en = STATUS_TEXT[result.status]
    if result.status in ("loaded", "superseded") and result.rows_quarantined:
        th += f" แต่ {result.rows_quarantined} จาก {result.rows_read} แถวจะถูกกักกัน"
        en += f", but {result.rows_quarantined} of {result.rows_read} rows would be quarantined"
    elif result.status == "loaded":
        th += f" ทั้ง {result.rows_read} แถว"
        en += f", all {result.rows_read} rows"
    return th, en


def _to_check(argument: str, source: str | None) -> ToCheck:
    path = Path(argument)
    if not path.is_file():
        raise BadName(f"{argument}: no such file", f"{argument}: ไม่พบไฟล์")
    name = landing_name(path.name)
    if source is None:
        with path.open("rb") as handle:
            source = guess_source(name, handle.read(4096), path.parent.name)
    return ToCheck(path, source, name)


def print_result(result: FileCheck, out) -> None:
    th, en = describe(result)
    print(f"{result.path}: {th} / {en}", file=out)
    for f in result.findings:
        where = "file" if f["row_number"] is None else f"row {f['row_number']}"
        column = f" column {f['column_name']}" if f["column_name"] else ""
        value = f" value {f['value']!r}" if f["value"] is not None else ""
        print(f"  {f['rule_id']} {f['severity']} {where}{column}{value}", file=out)
        print(f"    {f['message_th']}", file=out)
        print(f"    {f['message_en']}", file=out)
    later = sorted({f["rule_id"] for f in result.findings if f["rule_id"] in RULES_OF_LATER_FILES})
    if later:
        print(
            f"  ({', '.join(later)}: อาจเปลี่ยนไปตามไฟล์อื่นที่ส่งหลังจากนี้ในวันเดียวกัน / may change with other files sent later the same day)",
            file=out,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="diprom-check",
        description="ตรวจไฟล์ก่อนส่งด้วยกฎเดียวกับการนำเข้าทุกคืน / Check files before sending, with the night's own rules.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="named as in the landing folder (e.g. IPC01_result_2566-01.csv)")
    parser.add_argument("--source", choices=SOURCES, help="the kind of file (default: its folder's name, else guessed from the name)")
    parser.add_argument("--workbook", metavar="DIR", type=Path, help="also write the feedback workbooks the night would write, into DIR")
    parser.add_argument("--warehouse-dir", help="the warehouse whose published history to check against (default $WAREHOUSE_DIR)")
    args = parser.parse_args(argv)
    try:
        files = [_to_check(argument, args.source) for argument in args.files]
    except BadName as problem:
        print(f"diprom-check: {problem}", file=sys.stderr)
        return 2
    checker = Checker(WarehouseLayout.from_env(warehouse_dir=args.warehouse_dir))
    results = checker.check(files)
    for result in results:
        print_result(result, sys.stdout)
    if args.workbook:
        from checking.feedback import write_night_workbooks

        for written in write_night_workbooks(results, args.workbook):
            print(f"workbook: {written}")
    return 0 if all(result.loads_clean for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
