"""The upload page in Debian's Chromium, driven by Playwright, against uvicorn on localhost.

An official of Lamphun's office signs in, checks a cp874 report with errors,
reads the Thai findings, downloads them as a workbook and sends the file; the
file is then in LANDING_DIR and the send in the sends log. Another office's
file cannot be sent, a form without its CSRF token is refused, and so is a
name that leads out of the landing folder.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from checking.accounts import set_password
from checking.sending import sends
from tests.check_helpers import check_cache, compiled_rules

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "ลำพูน-correct-horse-51"

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("upload")
    landing, warehouse = root / "landing", root / "warehouse"
    set_password(warehouse, "PIO51", PASSWORD)
    set_password(warehouse, "IPC01", "another-password-01")
    port = _free_port()
    env = {
        **os.environ,
        "LANDING_DIR": str(landing),
        "WAREHOUSE_DIR": str(warehouse),
        "DIPROM_CHECK_CACHE": str(check_cache(tmp_path_factory)),
        "DIPROM_MAX_FILE_MB": "0.1",  # uploads over 100 KiB refused
    }
    log = (root / "server.log").open("w")
    process = subprocess.Popen([str(Path(sys.executable).parent / "diprom-upload"), "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # the first start compiles the rules with dbt
    while True:
        try:
            urllib.request.urlopen(f"{base}/signin", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the upload page did not start:\n" + (root / "server.log").read_text())
            time.sleep(0.5)
    yield base, landing, warehouse
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def signed_in(browser, base: str, account: str, password: str):
    context = browser.new_context(accept_downloads=True, locale="th-TH")
    page = context.new_page()
    page.goto(base + "/")
    assert page.url.endswith("/signin")
    page.fill("#account-input", account)
    page.fill("#password-input", password)
    page.click("#signin")
    page.wait_for_selector("#check-form")
    return context, page


def csrf_of(page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def test_an_official_checks_downloads_and_sends(server, browser, examples_dir, tmp_path):
    base, landing, warehouse = server
    report = examples_dir / "regional_reports" / "PIO51_result_2566-01.csv"
    report.read_bytes().decode("cp874")  # the report as Lamphun's office saves it: Thai Windows
    context, page = signed_in(browser, base, "PIO51", PASSWORD)
    assert page.locator("#account").inner_text() == "PIO51"
    page.set_input_files("#file", str(report))
    page.click("#check")
    page.wait_for_selector("#verdict")
    assert "7 จาก 10 แถวจะถูกกักกัน" in page.locator("#verdict").inner_text()
    rows = page.locator("#findings tbody tr")
    assert rows.count() == 8
    thai_messages = page.locator("#findings td[lang=th]").all_inner_texts()
    assert any("จังหวัด" in text for text in thai_messages), thai_messages
    assert "RR05" in page.locator("#findings").inner_text() and "เชียงใหม่" in page.locator("#findings").inner_text()

    with page.expect_download() as download_info:
        page.click("#download")
    workbook = tmp_path / "findings.xlsx"
    download_info.value.save_as(workbook)
    from openpyxl import load_workbook

    sheet = load_workbook(workbook, read_only=True)["ข้อผิดพลาด"]
    assert len(list(sheet.iter_rows(min_row=2))) == 8

    page.click("#send")
    page.wait_for_selector("#sent")
    sent = landing / "regional_reports" / "PIO51_result_2566-01.csv"
    assert sent.read_bytes() == report.read_bytes()
    [record] = sends(warehouse / "archive" / "sends.jsonl")
    assert record["account"] == "PIO51" and record["path"] == "regional_reports/PIO51_result_2566-01.csv"
    import hashlib

    assert record["sha256"] == hashlib.sha256(report.read_bytes()).hexdigest()
    assert not [p for p in (landing / ".incoming").iterdir()], "a partial file was left behind"
    context.close()


def test_another_offices_file_is_checked_but_not_sent(server, browser, examples_dir):
    base, landing, _ = server
    context, page = signed_in(browser, base, "PIO51", PASSWORD)
    page.set_input_files("#file", str(examples_dir / "regional_reports" / "IPC01_plan_2566.csv"))
    page.click("#check")
    page.wait_for_selector("#verdict")
    assert page.locator("#not-yours").is_visible()
    assert page.locator("#send").count() == 0
    token = page.locator("#download").get_attribute("href").split("/")[2]
    response = page.request.post(f"{base}/checks/{token}/send", multipart={"csrf_token": csrf_of(page)})
    assert response.status == 403
    assert "ส่งได้เฉพาะไฟล์ที่ตั้งชื่อเป็นของหน่วยงานตนเอง" in response.text()
    assert not (landing / "regional_reports" / "IPC01_plan_2566.csv").exists()
    context.close()


def test_a_form_without_its_csrf_token_is_refused(server, browser, examples_dir):
    base, _landing, _ = server
    context, page = signed_in(browser, base, "PIO51", PASSWORD)
    report = examples_dir / "regional_reports" / "PIO51_result_2566-01.csv"
    upload = {"name": "PIO51_result_2566-02.csv", "mimeType": "text/csv", "buffer": report.read_bytes()}
    assert page.request.post(f"{base}/check", multipart={"file": upload}).status == 403
    forged = page.request.post(f"{base}/check", multipart={"file": upload, "csrf_token": "not-the-token"})
    assert forged.status == 403 and "แบบฟอร์มหมดอายุ" in forged.text()
    assert page.request.post(f"{base}/check", multipart={"file": upload, "csrf_token": csrf_of(page)}).status == 200
    context.close()


def test_a_name_that_leads_out_of_the_landing_folder_is_refused(server, browser):
    base, landing, _ = server
    context, page = signed_in(browser, base, "PIO51", PASSWORD)
    for name in ("../../PIO51_result_2566-03.csv", "..", "regional_reports/../../x.csv", ".hidden.csv"):
        upload = {"name": name, "mimeType": "text/csv", "buffer": b"a,b\n1,2\n"}
        response = page.request.post(f"{base}/check", multipart={"file": upload, "csrf_token": csrf_of(page)})
        assert response.status == 400, name
        assert "ชื่อไฟล์ใช้ไม่ได้" in response.text()
    outside = {p for p in landing.parent.rglob("*") if "PIO51_result_2566-03" in p.name or p.name in ("x.csv", ".hidden.csv")}
    assert outside == set()
    context.close()


def test_an_upload_over_the_size_limit_is_refused_while_it_streams(server, browser):
    base, landing, _ = server
    context, page = signed_in(browser, base, "PIO51", PASSWORD)
    upload = {"name": "PIO51_result_2566-04.csv", "mimeType": "text/csv", "buffer": b"x" * 300_000}
    response = page.request.post(f"{base}/check", multipart={"file": upload, "csrf_token": csrf_of(page)})
    assert response.status == 413
    assert "ใหญ่เกิน" in response.text() and "not accepted" in response.text()
    assert not (landing / "regional_reports" / "PIO51_result_2566-04.csv").exists()
    # Sent without a length, in chunks: refused once the bytes read pass the limit (the rest is discarded unread).
    import http.client

    cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf_of(page)}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="PIO51_result_2566-05.csv"\r\n\r\n'
    ).encode()
    sent = 0

    def endless():
        nonlocal sent
        yield head
        while sent < 5_000_000:  # fifty times the limit
            sent += 65_536
            yield b"y" * 65_536

    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    try:
        connection.request(
            "POST",
            "/check",
            body=endless(),
            encode_chunked=True,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie},
        )
        response = connection.getresponse()
        status, text = response.status, response.read().decode()
    except (BrokenPipeError, ConnectionResetError):
        status, text = 413, "not accepted"  # the server answered and closed while we were still sending
    finally:
        connection.close()
    assert status == 413 and "not accepted" in text  # refused by the byte count, not after the whole was spooled
    assert page.request.get(f"{base}/").status == 200  # and the page goes on serving
    assert not (landing / "regional_reports" / "PIO51_result_2566-05.csv").exists()
    context.close()


def test_a_wrong_password_is_not_signed_in(server, browser):
    base, _, _ = server
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/signin")
    page.fill("#account-input", "PIO51")
    page.fill("#password-input", "wrong-password")
    page.click("#signin")
    page.wait_for_selector("#signin-failed")
    page.goto(base + "/")
    assert page.url.endswith("/signin")
    context.close()


def test_a_session_ends_after_its_time(server, browser, tmp_path, tmp_path_factory):
    """A page started with five-second sessions (in process, sharing the rules already compiled)."""
    import threading

    import uvicorn

    from checking.check import Checker
    from checking.web.app import create_app
    from warehouse.layout import WarehouseLayout

    _, _, warehouse = server
    layout = WarehouseLayout(tmp_path / "landing", warehouse)
    app = create_app(layout, Checker(layout, compiled_rules(tmp_path_factory)), session_seconds=5, spool_dir=tmp_path)
    port = _free_port()
    uvicorn_server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    while not uvicorn_server.started:
        time.sleep(0.05)
    try:
        context, page = signed_in(browser, f"http://127.0.0.1:{port}", "PIO51", PASSWORD)
        page.goto(f"http://127.0.0.1:{port}/")  # still signed in within the time
        assert page.url.endswith(f":{port}/")
        time.sleep(6)
        page.goto(f"http://127.0.0.1:{port}/")
        assert page.url.endswith("/signin")
        context.close()
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=30)


def test_guessing_a_password_is_stopped_after_five_tries(server, browser):
    base, _, _ = server
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/signin")
    for attempt in range(6):
        response = page.request.post(
            f"{base}/signin", form={"csrf_token": csrf_of(page), "account": "IPC01", "password": f"guess-{attempt}"}
        )
        assert response.status == (401 if attempt < 5 else 429)
    right = page.request.post(f"{base}/signin", form={"csrf_token": csrf_of(page), "account": "IPC01", "password": "another-password-01"})
    assert right.status == 429 and "โปรดรอ 15 นาที" in right.text()
    context.close()


def test_the_accounts_file_is_owner_only_and_holds_no_password(server):
    _, _, warehouse = server
    path = warehouse / "upload_accounts.json"
    assert path.stat().st_mode & 0o077 == 0
    stored = json.loads(path.read_text())
    assert set(stored) == {"PIO51", "IPC01"}
    assert all(hashed.startswith("$argon2id$") for hashed in stored.values())
    assert PASSWORD not in path.read_text()
