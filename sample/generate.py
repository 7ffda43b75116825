"""The bundled sample landing folder, for the README's run command.

Usage: python -m sample.generate LANDING_DIR

Plans and monthly results of FY2562-FY2566 from IPC01-IPC11, DIPROM and three
provincial offices (sample/regional.py), and six months of i-Single Form
submissions from about 650 factories (sample/factories.py), calibrated to the
department's published figures (sample/figures.py), with the contract's errors
sprinkled in. Deterministic; a file that already exists is left alone, so
running the generator again changes nothing in the landing folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sample.factories import write_isingleform
from sample.regional import write_regional


def generate(landing_dir: Path, seed: int = 2566) -> tuple[int, int]:
    """(regional files, factory records) written into `landing_dir`."""
    return write_regional(landing_dir, seed), write_isingleform(landing_dir)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    files, records = generate(Path(sys.argv[1]))
    print(f"sample landing folder ready: {sys.argv[1]} ({files} regional reports, {records} factory submissions)")
