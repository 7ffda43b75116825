"""The pages' templates (reporting/templates/): Jinja2 with autoescape.

Every value a template writes is made readable first (control characters as
their pictures, reporting/readable.py) and then HTML-escaped, so no text the
warehouse holds can change a page's markup.
"""

from __future__ import annotations

from typing import Any

import jinja2

from reporting.readable import readable


def _shown(value: Any) -> Any:
    return readable(value) if isinstance(value, str) else value


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("reporting", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=["html"], disabled_extensions=["css"], default=True),
    finalize=_shown,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context: Any) -> str:
    return _ENVIRONMENT.get_template(template).render(**context)
