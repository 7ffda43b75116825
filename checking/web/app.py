"""The upload page: officials check a file against the night's rules, then send it.

Starlette under uvicorn, Jinja2 templates with autoescaping, Thai first with
English beside it. Signed-cookie sessions (itsdangerous, through Starlette's
SessionMiddleware) that expire; a CSRF token on every form; an upload over the
file size limit is refused while it streams in, before it is held whole; a
checked file waits in a spool folder of the server's, under a random token of
the session that checked it, until it is sent or the server restarts.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from checking import accounts
from checking.check import RULES_OF_LATER_FILES, Checker, FileCheck, ToCheck
from checking.cli import describe
from checking.feedback import write_check_workbook
from checking.names import SOURCES, BadName, guess_source, landing_name, may_send
from checking.sending import AlreadySent, send
from warehouse.layout import WarehouseLayout

HERE = Path(__file__).parent
SESSION_KEY_FILE = "upload_session.key"
CSRF_FIELD = "csrf_token"
_TOKEN_BYTES = 24
# Sign-in attempts: after this many wrong passwords for one account within the window,
# that account is refused until the window has passed (a slow guess stays slow).
MAX_FAILED_SIGNINS = 5
FAILED_SIGNIN_WINDOW = 15 * 60


class TooLarge(Exception):
    pass


@dataclass
class Pending:
    """A checked file waiting to be sent, owned by the account that checked it."""

    account: str
    source: str
    name: str
    folder: Path
    result: FileCheck
    checked_at: float = 0.0

    @property
    def content(self) -> Path:
        return self.folder / "content"


def session_secret(warehouse_dir: Path) -> str:
    """The key that signs session cookies: generated once, owner-only, beside the accounts."""
    path = warehouse_dir / SESSION_KEY_FILE
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip()


def create_app(
    layout: WarehouseLayout,
    checker: Checker | None = None,
    session_seconds: int = 2 * 3600,
    secure_cookies: bool = False,
    spool_dir: Path | None = None,
) -> Starlette:
    checker = checker or Checker(layout)
    max_bytes = checker.limits.max_file_bytes
    spool = Path(tempfile.mkdtemp(prefix="diprom-upload-", dir=spool_dir))
    pending: dict[str, Pending] = {}
    failed_signins: dict[str, list[float]] = {}
    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))

    def page(request: Request, template: str, status_code: int = 200, **values) -> HTMLResponse:
        body = templates.get_template(template).render(
            account=request.session.get("account"), csrf_token=_csrf_token(request), sources=SOURCES, **values
        )
        return HTMLResponse(body, status_code=status_code, headers=_SECURITY_HEADERS)

    def refused(request: Request, status_code: int, th: str, en: str) -> HTMLResponse:
        return page(request, "message.html", status_code, message_th=th, message_en=en)

    async def small_form(request: Request):
        """A form of a few fields (no file), or the page that refuses it."""
        try:
            form = await form_of(request, 64 * 1024)
        except TooLarge:
            return refused(request, 413, "คำขอใหญ่เกินไป", "request too large")
        if form is None:
            return refused(request, 403, "แบบฟอร์มหมดอายุหรือไม่ถูกต้อง โปรดลองอีกครั้ง", "the form expired or was not ours; please try again")
        return form

    async def form_of(request: Request, cap: int):
        """The posted form, read with a byte cap on the whole body; None when the CSRF token is wrong."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            raise TooLarge()
        received = 0
        receive = request.receive

        async def capped():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise TooLarge()
            return message

        form = await Request(request.scope, capped).form(max_files=1, max_fields=10)
        token = form.get(CSRF_FIELD)
        expected = request.session.get("csrf")
        if not (isinstance(token, str) and expected and hmac.compare_digest(token, expected)):
            return None
        return form

    def signed_in(request: Request) -> str | None:
        return request.session.get("account")

    async def home(request: Request) -> Response:
        if not signed_in(request):
            return RedirectResponse("/signin", status_code=303)
        return page(request, "upload.html", max_mb=max_bytes // (1024 * 1024))

    async def signin(request: Request) -> Response:
        if request.method == "GET":
            return page(request, "signin.html")
        form = await small_form(request)
        if isinstance(form, Response):
            return form
        code = str(form.get("account", "")).strip().upper()[:20]
        password = str(form.get("password", ""))
        now = time.monotonic()
        recent = [t for t in failed_signins.get(code, []) if now - t < FAILED_SIGNIN_WINDOW]
        if len(recent) >= MAX_FAILED_SIGNINS:
            return refused(
                request, 429, "ใส่รหัสผ่านผิดหลายครั้งเกินไป โปรดรอ 15 นาทีแล้วลองใหม่", "too many wrong passwords; try again in 15 minutes"
            )
        if not await run_in_threadpool(accounts.verify, layout.warehouse_dir, code, password):
            failed_signins[code] = [*recent, now]
            return page(request, "signin.html", 401, failed=True)
        failed_signins.pop(code, None)
        request.session.clear()  # a new session (and CSRF token) on every sign-in
        request.session["account"] = code
        return RedirectResponse("/", status_code=303)

    async def signout(request: Request) -> Response:
        if await form_of(request, 64 * 1024) is not None:
            request.session.clear()
        return RedirectResponse("/signin", status_code=303)

    async def check(request: Request) -> Response:
        account = signed_in(request)
        if not account:
            return RedirectResponse("/signin", status_code=303)
        try:
            form = await form_of(request, max_bytes + 64 * 1024)
        except TooLarge:
            mb = max_bytes // (1024 * 1024)
            return refused(request, 413, f"ไฟล์ใหญ่เกิน {mb} MB จึงไม่ตรวจและไม่รับ", f"the file is over {mb} MB: not checked, not accepted")
        if form is None:
            return refused(request, 403, "แบบฟอร์มหมดอายุหรือไม่ถูกต้อง โปรดลองอีกครั้ง", "the form expired or was not ours; please try again")
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            return refused(request, 400, "ยังไม่ได้เลือกไฟล์", "no file chosen")
        try:
            name = landing_name(upload.filename)
        except BadName as problem:
            return refused(request, 400, f"ชื่อไฟล์ใช้ไม่ได้: {problem.detail_th}", f"the file name cannot be used: {problem.detail_en}")
        forget_stale()
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        folder = spool / token
        folder.mkdir()
        content = folder / "content"
        size = 0
        with content.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    shutil.rmtree(folder)
                    return refused(request, 413, "ไฟล์ใหญ่เกินขนาดที่รับได้", "the file is over the size limit")
                out.write(chunk)
        chosen = str(form.get("source", ""))
        with content.open("rb") as handle:
            source = chosen if chosen in SOURCES else guess_source(name, handle.read(4096))
        [result] = await run_in_threadpool(checker.check, [ToCheck(content, source, name)])
        pending[token] = Pending(account, source, name, folder, result, time.monotonic())
        return page(
            request,
            "result.html",
            token=token,
            result=result,
            status=describe(result),
            may_send=may_send(account, source, name),
            later_rules=RULES_OF_LATER_FILES,
        )

    def forget_stale() -> None:
        """A file checked longer ago than a session lasts can no longer be sent: its spool goes."""
        now = time.monotonic()
        for token, item in list(pending.items()):
            if now - item.checked_at > session_seconds:
                pending.pop(token, None)
                shutil.rmtree(item.folder, ignore_errors=True)

    def owned(request: Request) -> Pending | None:
        item = pending.get(request.path_params["token"])
        return item if item is not None and item.account == signed_in(request) else None

    async def workbook(request: Request) -> Response:
        item = owned(request)
        if item is None:
            return refused(request, 404, "ไม่พบผลการตรวจนี้", "no such check")
        target = item.folder / "findings.xlsx"
        if not target.exists():
            await run_in_threadpool(write_check_workbook, [item.result], target)
        stem = Path(item.name).stem
        return FileResponse(
            target,
            filename=f"{stem}-findings.xlsx",
            headers=_SECURITY_HEADERS,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    async def send_checked(request: Request) -> Response:
        form = await small_form(request)
        if isinstance(form, Response):
            return form
        item = owned(request)
        if item is None:
            return refused(request, 404, "ไม่พบผลการตรวจนี้ โปรดตรวจไฟล์อีกครั้ง", "no such check; please check the file again")
        if not may_send(item.account, item.source, item.name):
            return refused(
                request,
                403,
                f"บัญชี {item.account} ส่งได้เฉพาะไฟล์ที่ตั้งชื่อเป็นของหน่วยงานตนเอง",
                f"{item.account} may send only files named for itself",
            )
        try:
            sent = await run_in_threadpool(send, layout.landing_dir, layout.sends_log, item.account, item.source, item.name, item.content)
        except AlreadySent:
            return refused(
                request,
                409,
                "มีไฟล์ชื่อนี้ในโฟลเดอร์รับไฟล์แล้ว หากเป็นฉบับแก้ไขให้ตั้งชื่อเป็น _v2 (หรือฉบับถัดไป)",
                "a file of this name was sent already; send a correction as _v2 (or the next version)",
            )
        except BadName as problem:
            return refused(request, 400, problem.detail_th, problem.detail_en)
        pending.pop(request.path_params["token"], None)
        shutil.rmtree(item.folder, ignore_errors=True)
        return page(request, "sent.html", sent=sent)

    routes = [
        Route("/", home),
        Route("/signin", signin, methods=["GET", "POST"]),
        Route("/signout", signout, methods=["POST"]),
        Route("/check", check, methods=["POST"]),
        Route("/checks/{token}/findings.xlsx", workbook),
        Route("/checks/{token}/send", send_checked, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=session_secret(layout.warehouse_dir),
            session_cookie="diprom_upload",
            max_age=session_seconds,
            same_site="strict",
            https_only=secure_cookies,
        )
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        shutil.rmtree(spool, ignore_errors=True)  # files checked but never sent go with the server

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pending = pending
    return app


def _csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(_TOKEN_BYTES)
    return request.session["csrf"]


_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
