"""Shared fixtures: the contract's examples, and helpers to build landing folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# CI clones the repository with shared/ beside it; a developer's checkout has the same shape.
CONTRACT_DIR = Path(os.environ.get("DIPROM_CONTRACT_DIR", REPO.parent / "shared" / "contract"))
EXAMPLES_DIR = CONTRACT_DIR / "examples"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    if not EXAMPLES_DIR.is_dir():
        pytest.fail(f"the contract's examples are missing at {EXAMPLES_DIR}; set DIPROM_CONTRACT_DIR")
    return EXAMPLES_DIR
