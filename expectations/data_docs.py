"""Data Docs that work offline and tell no one they were opened.

GX 1.24's pages load their styles and scripts from five CDNs, and the logo
from GX's own servers with the context's id and a timestamp in the address,
which reports every viewing. After each build the pages are rewritten: each
asset is served from a local copy under `static/vendor/` (the npm packages of
expectations/data_docs_assets/, installed by scripts/setup.sh), the logo
from GX's own `static/images/` (also where GX's stylesheet names it), and links to GX's website become plain text.
An asset GX starts loading that is not in the table below fails the build
loudly rather than leaving a page that calls out.
"""

import os
import re
import shutil
from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parent / "data_docs_assets" / "node_modules"

# CDN address -> file inside NODE_MODULES, for exactly the versions GX 1.24's templates name.
VENDORED = {
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/dist/bootstrap-table.min.js",
    # GX names 1.19.0 for the filter-control styles; the 1.19.1 package's are the same extension.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}  # fmt: skip
# Folders a vendored stylesheet refers to relatively (Font Awesome's ../webfonts/).
VENDORED_FOLDERS = ["@fortawesome/fontawesome-free/webfonts"]

_ASSET = re.compile(r"""(?P<attr>src|href)="(?P<url>https?://[^"]+)"(?P<sri>(\s+(integrity|crossorigin)="[^"]*")*)""")
_TRACKING_LOGO = re.compile(r'src="https://great-expectations-web-assets\.s3[^"]*/(?P<image>[\w.-]+\.(png|svg))\?[^"]*"')
_DARK_LOGO = re.compile(r"url\('https://great-expectations-web-assets\.s3[^']*'\)")
_EXTERNAL_LINK = re.compile(r'<a\s+href="https?://[^"]*"[^>]*>(?P<text>.*?)</a>', re.S)


class MissingVendoredAsset(RuntimeError):
    pass


def make_offline(docs_dir: Path, node_modules: Path = NODE_MODULES) -> None:
    vendor_dir = docs_dir / "static" / "vendor"
    _copy_vendored(node_modules, vendor_dir)
    pages = [*docs_dir.rglob("*.html"), *(docs_dir / "static" / "styles").glob("*.css")]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        rewritten = _rewrite(html, os.path.relpath(docs_dir / "static", page.parent))
        if rewritten != html:
            page.write_text(rewritten, encoding="utf-8")


def _copy_vendored(node_modules: Path, vendor_dir: Path) -> None:
    missing = [f for f in [*VENDORED.values(), *VENDORED_FOLDERS] if not (node_modules / f).exists()]
    if missing:
        raise MissingVendoredAsset(f"Data Docs assets missing from {node_modules}: {', '.join(missing)}. Run scripts/setup.sh (npm ci).")
    for relative in VENDORED.values():
        target = vendor_dir / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(node_modules / relative, target)
    for relative in VENDORED_FOLDERS:
        shutil.copytree(node_modules / relative, vendor_dir / relative, dirs_exist_ok=True)


def _rewrite(html: str, static: str) -> str:
    def local_asset(match: re.Match) -> str:
        url = match["url"]
        if url not in VENDORED:
            if match["attr"] == "href" and not url.endswith((".css", ".js")):
                return match[0]  # an ordinary link, handled below
            raise MissingVendoredAsset(f"Data Docs load {url}, which has no local copy in expectations/data_docs.py")
        # integrity/crossorigin would make the browser refuse a script read from a file:// page.
        return f'{match["attr"]}="{static}/vendor/{VENDORED[url]}"'

    html = _TRACKING_LOGO.sub(lambda m: f'src="{static}/images/{m["image"]}"', html)
    html = _DARK_LOGO.sub(f"url('{static}/images/logo-long.png')", html)
    html = _ASSET.sub(local_asset, html)
    return _EXTERNAL_LINK.sub(lambda m: m["text"], html)
