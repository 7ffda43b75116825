"""What a bar of the pages' one bar chart shows (reporting/templates/charts.html)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    share: float  # of the chart's full width, 0..1
    text: str  # written after the bar
    colour: str = "#2b6cb0"
    kpi: str | None = None  # data-kpi: where the figure comes from


def acceptance_colour(share: float) -> str:
    return "#2e7d32" if share >= 0.95 else ("#f9a825" if share >= 0.8 else "#c62828")


def scaled(values: list[tuple[str, float, str, str | None]], colour: str = "#2b6cb0") -> list[Bar]:
    """Bars for (label, value, text, kpi), the largest value filling the width."""
    top = max((value for _, value, _, _ in values), default=0.0)
    return [Bar(label, value / top if top > 0 else 0.0, text, colour, kpi) for label, value, text, kpi in values]
