"""Dagster code location of the DIPROM warehouse: `dagster job execute -m orchestration -j nightly_load`."""

from orchestration.definitions import defs

__all__ = ["defs"]
