"""`diprom-upload`: the upload page, on a port of this machine only unless told otherwise.

Behind the ministry's reverse proxy (docs/operations.md) it stays bound to
127.0.0.1, with `--secure-cookies` once the proxy serves it over TLS.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn

from checking.check import Checker
from checking.web.app import create_app
from warehouse.layout import WarehouseLayout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="diprom-upload", description="หน้าตรวจและส่งไฟล์ / The page to check and send files")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--session-minutes", type=int, default=120, help="a session ends this long after its last request")
    parser.add_argument("--secure-cookies", action="store_true", help="send the session cookie over HTTPS only (behind a TLS proxy)")
    parser.add_argument("--forwarded-allow-ips", default="127.0.0.1", help="proxies trusted for X-Forwarded-* headers")
    args = parser.parse_args(argv)
    layout = WarehouseLayout.from_env()
    print("diprom-upload: preparing the night's rules (the first time takes a minute)", file=sys.stderr)
    checker = Checker(layout)
    app = create_app(layout, checker, session_seconds=args.session_minutes * 60, secure_cookies=args.secure_cookies)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        server_header=False,
        log_level="info",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
