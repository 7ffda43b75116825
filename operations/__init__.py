"""Watching the night: alerts when a run fails or the analysts' copy grows old, and the morning summary."""
