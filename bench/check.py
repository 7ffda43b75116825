"""How long the upload page takes to check a typical report, with the server warm.

    .venv/bin/python -m bench.check [--rows 300] [--times 15] [--warehouse-dir DIR]

Starts `diprom-upload` on a free local port against DIR (default: an empty
warehouse, so no published history; pass the sample's `data/warehouse` to
check against a whole night), signs in, checks a cp874 report of `--rows` data
rows once to warm the server, then `--times` more, and prints the round trips
(upload, check, page) and, in process, the check alone. Numbers go to
docs/benchmarks.md; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from checking.accounts import set_password

HEADER = (
    "จังหวัด,รหัสโครงการ,กิจกรรม,ผู้ประกอบการ (ราย),สถานประกอบการ (แห่ง),วิสาหกิจชุมชน (กลุ่ม),ผลิตภัณฑ์ (รายการ),"
    "บุคลากร (คน),เครือข่าย (เครือข่าย),มูลค่าทางเศรษฐกิจ (ล้านบาท),งบประมาณเบิกจ่าย (ล้านบาท)"
)
PROGRAMS = ("OTOP", "CE", "HERO", "CIV", "ITC")
PASSWORD = "bench-password-51"


def report(rows: int) -> bytes:
    """A Lamphun office monthly result of `rows` data rows, as the office saves it (cp874),
    one row in fifty with a figure that is not a number."""
    lines = ["รายงานผลการดำเนินงาน ประจำเดือน มกราคม 2566", "สำนักงานอุตสาหกรรมจังหวัดลำพูน", HEADER]
    for i in range(rows):
        figure = "n/a" if i % 50 == 49 else str(i % 17 + 1)
        lines.append(f"ลำพูน,{PROGRAMS[i % len(PROGRAMS)]},กิจกรรมที่ {i + 1},{figure},1,,2,{i % 9 + 3},,{i % 7 + 0.5},0.1")
    return ("\r\n".join(lines) + "\r\n").encode("cp874")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--times", type=int, default=15)
    parser.add_argument("--warehouse-dir", type=Path)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-check-"))
    warehouse = args.warehouse_dir or root / "warehouse"
    set_password(warehouse, "PIO51", PASSWORD)
    content = report(args.rows)
    port = _free_port()
    env = {**os.environ, "WAREHOUSE_DIR": str(warehouse), "LANDING_DIR": str(root / "landing")}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "diprom-upload"), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        started = time.monotonic()
        while True:
            try:
                page = opener.open(f"{base}/signin", timeout=2).read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() - started > 600:
                    raise SystemExit("diprom-upload did not start") from None
                time.sleep(0.5)
        print(f"server up after {time.monotonic() - started:.1f} s (rules compiled or read from the cache)")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        opener.open(f"{base}/signin", urllib.parse.urlencode({"csrf_token": token, "account": "PIO51", "password": PASSWORD}).encode())
        token = re.search(r'name="csrf_token" value="([^"]+)"', opener.open(f"{base}/").read().decode())[1]
        body, content_type = _multipart({"csrf_token": token}, "PIO51_result_2566-01.csv", content)
        timings = []
        for attempt in range(args.times + 1):
            request = urllib.request.Request(f"{base}/check", data=body, headers={"Content-Type": content_type})
            begun = time.perf_counter()
            page = opener.open(request).read().decode()
            if attempt:  # the first warms the server
                timings.append(time.perf_counter() - begun)
            assert 'id="verdict"' in page, page[:2000]
        print(
            f"page, {args.rows}-row report ({len(content):,} bytes), {args.times} checks: "
            f"median {statistics.median(timings):.2f} s, min {min(timings):.2f} s, max {max(timings):.2f} s"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    from checking.check import Checker, ToCheck
    from warehouse.layout import WarehouseLayout

    checker = Checker(WarehouseLayout(root / "landing", warehouse))
    path = root / "PIO51_result_2566-01.csv"
    path.write_bytes(content)
    checker.check([ToCheck(path, "regional_reports", path.name)])
    alone = []
    for _ in range(args.times):
        begun = time.perf_counter()
        checker.check([ToCheck(path, "regional_reports", path.name)])
        alone.append(time.perf_counter() - begun)
    print(f"in process, the check alone: median {statistics.median(alone):.2f} s, max {max(alone):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
