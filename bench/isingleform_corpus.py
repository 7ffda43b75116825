"""A bulk i-Single Form export for load measurements.

Usage: python -m bench.isingleform_corpus OUT_FILE SUBMISSIONS [SEED]
"""

import sys
from pathlib import Path

from sample.factories import write_jsonl


def main() -> None:
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    out, count = Path(sys.argv[1]), int(sys.argv[2])
    write_jsonl(out, count, int(sys.argv[3]) if len(sys.argv) == 4 else 6)
    print(f"{count} submissions written to {out}")


if __name__ == "__main__":
    main()
