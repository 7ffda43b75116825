"""Named points at which a crash test has this process killed outright.

The crash tests (tests/test_crash_recovery.py) set DIPROM_CRASH_AT to
`<point>` or `<point>:<n>` (the n-th time the point is reached) and the
process sends itself SIGKILL there: no handler, no cleanup, as when the
machine loses power. Unset, a point costs one dictionary lookup.
"""

import os
import signal
from collections import Counter

INTAKE_BEFORE_COMMIT = "intake-before-commit"  # a file's rows written, its transaction not committed
PUBLISH_BEFORE_SWAP = "publish-before-swap"  # the new analytics copy written beside, not yet renamed

_reached: Counter = Counter()


def crash_point(name: str) -> None:
    wanted = os.environ.get("DIPROM_CRASH_AT")
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point == name:
        _reached[name] += 1
        if _reached[name] >= int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)
