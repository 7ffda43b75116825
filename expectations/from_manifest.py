"""Great Expectations' copy of what dbt owns, generated from the manifest.

dbt's tests gate the build; these expectations check the same promises again
over the finished warehouse, beside GX's own (expectations/suites.py), so that
a table's Data Docs page and its Dagster check show everything the table
promises. They are never written by hand: a column, a grain or an accepted
value is changed in the model's yml, and the suite follows.

A dbt test at severity `warn` is a GX `warning` (reported, never blocking);
every other is `critical`. A project generic test GX has no counterpart of runs
as its own SQL, rendered with `{batch}` for the table.
"""

from __future__ import annotations

import re

import great_expectations.expectations as gxe
import jinja2

from expectations.validated_models import DbtTest, ValidatedModel

_TEST_BLOCK = re.compile(r"{%-?\s*test\s+\w+\s*\(.*?\)\s*-?%}(?P<body>.*){%-?\s*endtest\s*-?%}", re.S)


class NoCounterpart(ValueError):
    pass


def render_generic_test(generic_sql: str, **arguments) -> str:
    """The query of a dbt generic test (`{% test name(model, ...) %} ... {% endtest %}`),
    rendered as the plain Jinja it wraps: the rows it returns are the failures.
    Raises jinja2.TemplateError on what only dbt provides (ref, adapter, ...)."""
    block = _TEST_BLOCK.search(generic_sql)
    if not block:
        raise jinja2.TemplateSyntaxError("no {% test %} block", lineno=1)
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(block["body"]).render(**arguments)


def structural_expectations(model: ValidatedModel) -> list[gxe.Expectation]:
    expectations: list[gxe.Expectation] = []
    if model.exact_columns:
        expectations.append(
            gxe.ExpectTableColumnsToMatchOrderedList(
                column_list=list(model.columns),
                description="Columns exactly as the model's yml lists them (for a published table, as marts.md names them).",
            )
        )
    for test in model.tests:
        expectations.extend(_expectations(model.table, test))
    return expectations


def _expectations(table: str, test: DbtTest) -> list[gxe.Expectation]:
    args, column = test.arguments, test.column
    common = {"severity": test.severity, **({"description": test.description} if test.description else {})}
    match test.name:
        case "not_null":
            return [gxe.ExpectColumnValuesToNotBeNull(column=column, **common)]
        case "not_null_columns":
            return [gxe.ExpectColumnValuesToNotBeNull(column=c, **common) for c in args["columns"]]
        case "unique":
            return [gxe.ExpectColumnValuesToBeUnique(column=column, **common)]
        case "unique_combination" if len(args["columns"]) == 1:  # GX's compound expectation wants two or more
            return [gxe.ExpectColumnValuesToBeUnique(column=args["columns"][0], **common)]
        case "unique_combination":
            return [
                gxe.ExpectCompoundColumnsToBeUnique(
                    column_list=list(args["columns"]), **{"description": f"One row per {', '.join(args['columns'])}.", **common}
                )
            ]
        case "accepted_values":
            return [gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(args["values"]), **common)]
        case "relationships":
            return [_known(column, args["to"], args.get("field") or column, common)]
        case "references":
            return [_known(c, other["to"], other.get("field") or c, common) for c, other in args["columns"].items()]
    return [_generic_sql(table, test, common)]


def _known(column: str, relation: str, field: str, common: dict) -> gxe.Expectation:
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=f"select * from {{batch}} where {column} is not null and {column} not in (select {field} from {relation})",
        **{"description": f"Every {column} is in {relation}" + ("." if field == column else f" ({field})."), **common},
    )


def _generic_sql(table: str, test: DbtTest, common: dict) -> gxe.Expectation:
    """A project generic test as GX's unexpected rows: dbt's test query returns
    the failing rows, which is what UnexpectedRowsExpectation counts."""
    if test.generic_sql is None:
        raise NoCounterpart(
            f"the dbt test {test.name} on {table} has no Great Expectations counterpart: add one in expectations/from_manifest.py"
        )
    try:
        query = render_generic_test(test.generic_sql, model="{batch}", column_name=test.column, **test.arguments)
    except jinja2.TemplateError as error:
        raise NoCounterpart(
            f"the dbt test {test.name} on {table} cannot run outside dbt ({error}): add its counterpart in expectations/from_manifest.py"
        ) from error
    return gxe.UnexpectedRowsExpectation(
        unexpected_rows_query=" ".join(query.split()), **{"description": f"dbt test {test.name}.", **common}
    )
