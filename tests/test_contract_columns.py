"""The contract's marts.md and the dbt project name the same published columns,
in the same order; the GX suites then hold each real table to its yml, and
tests/test_quality_gate.py holds a real published file to marts.md."""

import csv
import re
from pathlib import Path

from expectations.validated_models import model_columns, validated_models
from orchestration.assets.dbt import dbt_project
from tests.conftest import CONTRACT_DIR

MARTS_MD = CONTRACT_DIR / "marts.md"
SCHEMA_HEADING = re.compile(r"^## `(\w+)` schema\s*$")
TABLE_HEADING = re.compile(r"^### `(\w+)`")


def _without_parentheses(text: str) -> str:
    kept, depth = [], 0
    for char in text:
        depth += char == "("
        if depth == 0:
            kept.append(char)
        depth -= char == ")" and depth > 0
    return "".join(kept)


def _names_listed(paragraph: str) -> tuple[str, ...]:
    """The names a paragraph opens with: `a`, `b` (a remark), `c` = a formula, ...
    up to the first full stop, colon or semicolon outside parentheses."""
    listed = re.split(r"[.:;](\s|$)", _without_parentheses(paragraph), maxsplit=1)[0]
    return tuple(re.findall(r"`([^`]+)`", listed))


def contract_columns(marts_md: Path = MARTS_MD, reference_dir: Path = CONTRACT_DIR / "reference") -> dict[str, tuple[str, ...]]:
    """`schema.table` -> its columns, as marts.md lists them. A schema without
    tables of its own (reference) lists its tables, whose columns are the
    headers of the contract's reference files."""
    paragraphs: dict[tuple[str, str | None], list[str]] = {}
    schema = table = None
    for line in marts_md.read_text(encoding="utf-8").splitlines():
        if heading := SCHEMA_HEADING.match(line):
            schema, table = heading[1], None
        elif heading := TABLE_HEADING.match(line):
            table = heading[1]
        elif schema and line.strip() and not line.startswith("#"):
            paragraphs.setdefault((schema, table), []).append(line.strip())
    columns = {}
    for (schema, table), lines in paragraphs.items():
        names = _names_listed(" ".join(lines))
        if table:
            columns[f"{schema}.{table}"] = names
        else:
            for name in names:
                with (reference_dir / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
                    columns[f"{schema}.{name}"] = tuple(next(csv.reader(handle)))
    return columns


def disagreements(contract: dict[str, tuple[str, ...]], actual: dict[str, tuple[str, ...]], where: str) -> list[str]:
    problems = []
    for table, expected in contract.items():
        found = actual.get(table)
        if found is None:
            problems.append(f"{table}: in marts.md, not in {where}")
        elif found != expected:
            missing = [c for c in expected if c not in found]
            extra = [c for c in found if c not in expected]
            what = f"missing {missing}" if missing else ""
            what += f"{'; ' if what else ''}not in marts.md {extra}" if extra else ""
            problems.append(f"{table}: {where} has {list(found)}, marts.md {list(expected)} ({what or 'another order'})")
    return problems


def test_marts_md_is_read_as_analysts_read_it():
    columns = contract_columns()
    documented = [m[1] for line in MARTS_MD.read_text(encoding="utf-8").splitlines() if (m := TABLE_HEADING.match(line))]
    assert sorted(t.split(".")[1] for t in columns if not t.startswith("reference.")) == sorted(documented)
    assert columns["marts.kpi_monthly"] == (
        "fiscal_year", "fiscal_quarter", "period", "region_no", "province_code", "program_code", "indicator", "value",
    )  # fmt: skip
    assert columns["quality.files"][-1] == "warnings" and "loaded" not in columns["quality.files"]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for names in columns.values() for c in names)


def test_the_dbt_project_lists_the_columns_marts_md_names():
    problems = disagreements(contract_columns(), model_columns(dbt_project.manifest_path), "the dbt yml")
    assert not problems, "\n".join(problems)


def test_every_table_marts_md_describes_is_held_to_its_columns_by_gx():
    """The generated suite of each published table checks its columns against
    the yml, in order: the chain marts.md = yml = warehouse is closed every night."""
    models = validated_models(dbt_project.manifest_path)
    built = {t for t in contract_columns() if not t.startswith("reference.")}
    assert {t for t in built if t not in models or not models[t].exact_columns} == set()


def test_a_column_missing_from_the_yml_is_named():
    contract = {"marts.kpi_national": ("fiscal_year", "indicator", "target")}
    problems = disagreements(contract, {"marts.kpi_national": ("fiscal_year", "target", "surplus")}, "the dbt yml")
    assert problems == [
        "marts.kpi_national: the dbt yml has ['fiscal_year', 'target', 'surplus'], marts.md ['fiscal_year', 'indicator', 'target'] "
        "(missing ['indicator']; not in marts.md ['surplus'])"
    ]
