"""What a bar of the pages' one bar chart shows (reporting/templates/charts.html)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    share: float  # of the chart's full width, 0..1
    text: str  # written after the bar
    colour: str = "#2b6cb0"


def acceptance_colour(share: float) -> str:
    return "#2e7d32" if share >= 0.95 else ("#f9a825" if share >= 0.8 else "#c62828")
