"""Writing a report page so that a reader never opens half of it."""

from pathlib import Path


def write_page(out_dir: Path, html: str, name: str = "index.html") -> Path:
    """`out_dir/name`, written beside and renamed over the old page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / name
    partial = target.with_name(f".{name}.next")
    partial.write_text(html, encoding="utf-8")
    partial.replace(target)
    return target
