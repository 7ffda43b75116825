"""Splitting a published total into parts that add up to it exactly."""

from __future__ import annotations

from collections.abc import Sequence


def split_exact(total: int, weights: Sequence[float]) -> list[int]:
    """`total` whole units shared in proportion to `weights` by the largest
    remainder: the parts are whole, never negative, and sum to `total` exactly.
    Ties go to the earlier part, so the split is deterministic."""
    if total < 0:
        raise ValueError(f"cannot split a negative total: {total}")
    if not weights or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    scale = sum(weights)
    shares = [total * w / scale for w in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts
