"""Writing a report page so that a reader never opens half of it."""

from pathlib import Path


def write_page(out_dir: Path, html: str) -> Path:
    """`out_dir/index.html`, written beside and renamed over the old page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "index.html"
    partial = target.with_name(".index.html.next")
    partial.write_text(html, encoding="utf-8")
    partial.replace(target)
    return target
