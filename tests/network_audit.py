"""Network use of a whole process tree, recorded by a Python audit hook.

A `sitecustomize.py` on PYTHONPATH installs the hook in every Python process
started with that environment: the Dagster CLI, the dbt child, and anything
they start. Each event is a JSON line in DIPROM_AUDIT_LOG."""

from __future__ import annotations

import json
from pathlib import Path

AUDIT_HOOK = """
import json, os, socket, sys

_LOG = os.environ["DIPROM_AUDIT_LOG"]
_NETWORK = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
            "socket.gethostbyaddr", "socket.sendto", "socket.sendmsg", "urllib.Request", "http.client.connect"}


def _write(event, detail):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps({"pid": os.getpid(), "event": event, "detail": detail}) + "\\n")


def _hook(event, args):
    if event in _NETWORK:
        if event == "socket.connect" and getattr(args[0], "family", None) == socket.AF_UNIX:
            return
        _write(event, repr(args)[:300])
    elif event == "subprocess.Popen":
        program = args[0] or (args[1][0] if isinstance(args[1], (list, tuple)) else args[1])
        _write(event, str(program)[:300])


_write("started", sys.argv[:3])
sys.addaudithook(_hook)
"""


def audited_environment(root: Path) -> dict[str, str]:
    """Variables that make every Python process audit itself into root/audit.jsonl."""
    hook_dir = root / "audit"
    hook_dir.mkdir(parents=True, exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(AUDIT_HOOK, encoding="utf-8")
    return {"PYTHONPATH": str(hook_dir), "DIPROM_AUDIT_LOG": str(audit_log(root))}


def audit_log(root: Path) -> Path:
    return root / "audit.jsonl"


def audit_events(root: Path) -> list[dict]:
    return [json.loads(line) for line in audit_log(root).read_text(encoding="utf-8").splitlines()]
