"""Where a benchmark night spends its time, from a py-spy profile of the whole
process tree.

    py-spy record --subprocesses --nonblocking --format raw -o PROFILE.txt -- \\
        .venv/bin/python -m bench.run --sizes 1000000
    python -m bench.profile PROFILE.txt [--rate 100] [--top 15]

py-spy's raw format is one line per distinct stack: `process PID:"COMMAND";
frame;frame;... COUNT`, outermost frame first. This prints, for each kind of
process (the Dagster run, dbt, the floor), its seconds of activity, the
functions of this project that hold the most of it (inclusive: a function
counts once per stack), and the innermost frames, where the time is spent in
any library. Time inside DuckDB is seen as the Python frame that called it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

STACK_LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")
# With --subprocesses a stack starts with the chain of processes, the parent first.
PROCESS = re.compile(r'process (?P<pid>\d+):"(?P<command>.*?)"(;|$)')
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
PROJECT_FOLDERS = ("sources/", "orchestration/", "expectations/", "bench/", "dbt_project/")


@dataclass
class ProcessProfile:
    """The samples of one kind of process: in all, and by function."""

    samples: int = 0
    project_functions: Counter = field(default_factory=Counter)
    innermost_frames: Counter = field(default_factory=Counter)


def process_kind(command: str) -> str:
    """What a sampled process was, from its command line."""
    if "dbt_in_warehouse" in command or re.search(r"/dbt\b", command):
        return "dbt"
    if "dagster" in command:
        return "dagster run (intake, GX, publish, reports)"
    if "bench.floor" in command:
        return "floor"
    if "bench.run" in command:
        return "benchmark driver"
    return "the profiled process" if not command else "other"


def function_name(frame: str) -> str:
    """`function (file)`, the file as py-spy shortens it (relative to the sys.path
    entry it was imported from: `sources/intake.py`, `duckdb/__init__.py`), or
    an absolute path cut to the project's or the library's folder."""
    match = FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    if path.startswith("/"):
        cut = next((f"{folder}{path.split('/' + folder, 1)[1]}" for folder in PROJECT_FOLDERS if f"/{folder}" in path), None)
        path = cut or (path.split("site-packages/", 1)[1] if "site-packages/" in path else Path(path).name)
    return f"{match['function']} ({path})"


def read_profile(text: str) -> tuple[dict[str, ProcessProfile], int]:
    """Samples by kind of process, and the number of lines not understood (a
    command line holding a new line, such as `python -c` with a script, splits
    its stacks over lines: they are counted, not guessed at)."""
    profiles: dict[str, ProcessProfile] = {}
    not_understood = 0
    with_processes = text.startswith("process ")
    for line in text.splitlines():
        match = STACK_LINE.match(line)
        if not match:
            not_understood += bool(line.strip())
            continue
        stack, command = match["stack"], None
        while process := PROCESS.match(stack):
            stack, command = stack[process.end() :], process["command"]
        if with_processes and command is None:
            not_understood += 1
            continue
        count = int(match["count"])
        profile = profiles.setdefault(process_kind(command or ""), ProcessProfile())
        profile.samples += count
        names = [function_name(frame) for frame in stack.split(";")] if stack else ["(no Python frame)"]
        for name in set(names):
            if name.rsplit(" (", 1)[-1].startswith(PROJECT_FOLDERS):
                profile.project_functions[name] += count
        profile.innermost_frames[names[-1]] += count
    return profiles, not_understood


def summary(profiles: dict[str, ProcessProfile], rate: float, top: int, not_understood: int = 0) -> str:
    """Markdown: each kind of process with its heaviest functions, in seconds of activity."""
    out = []
    for kind, profile in sorted(profiles.items(), key=lambda item: -item[1].samples):
        out += [f"### {kind}: {profile.samples / rate:,.1f} s active", ""]
        for title, counts in (("this project's function, inclusive", profile.project_functions),
                              ("innermost frame", profile.innermost_frames)):  # fmt: skip
            if counts:
                out += [f"| {title} | s | share |", "|---|---|---|"]
                out += [f"| `{name}` | {n / rate:,.1f} | {n / profile.samples:.0%} |" for name, n in counts.most_common(top)]
                out.append("")
    if not_understood:
        out.append(f"({not_understood:,} lines of the profile not understood and left out)")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", type=Path, help="py-spy's --format raw output")
    parser.add_argument("--rate", type=float, default=100.0, help="py-spy's samples per second (its --rate)")
    parser.add_argument("--top", type=int, default=15, help="functions shown per kind of process")
    args = parser.parse_args(argv)
    profiles, not_understood = read_profile(args.profile.read_text(encoding="utf-8", errors="replace"))
    print(summary(profiles, args.rate, args.top, not_understood))
    return 0


if __name__ == "__main__":
    sys.exit(main())
