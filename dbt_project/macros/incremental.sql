{#- Incremental i-Single Form models (docs/benchmarks.md).

    The raw tables are append-only and file_seq grows with every file taken in,
    so a night's new records are exactly those of files after the last
    successful build's `built_through_file_seq`, which the orchestration records
    in build_state.dbt_builds once dbt has succeeded (warehouse/build_state.py).
    Each incremental model deletes the rows its batch recomputes and appends
    the batch, inside one transaction: the files of a build that fails or is
    killed are taken again by the next one, and a changed project or dbt version is rebuilt with
    --full-refresh. -#}

{#- The last successful build's watermark; 0 (everything) on a full build. -#}
{% macro isf_built_through() -%}
    {{ isf_watermark(is_incremental()) }}
{%- endmacro %}

{#- The config of a model rebuilt for this night's batch only: `scope` is a
    SQL condition on the model's own rows (`target`), those the batch replaces;
    with `night`, a query whose rows (`night`) the condition may name. A key
    joined with `night` is a join DuckDB filters the table's scan by (min/max of
    the night's keys: whole row groups skipped), where `key in (select ...)`
    read the key of every row of the history. -#}
{% macro isf_incremental_config(scope, night=none) -%}
    {%- set using = "" if night is none else " using (" ~ night ~ ") as night" -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{% if is_incremental() %}delete from {{ this }} as target" ~ using ~ " where " ~ scope ~ "{% endif %}",
    ) }}
{%- endmacro %}

{#- The config of a model with a row per factory-month, rewritten for the
    factory-months this night's accepted submissions touch. -#}
{% macro isf_factory_month_incremental_config() -%}
    {{ isf_incremental_config("target.factory_id = night.factory_id and target.period = night.period", "{{ isf_touched_factory_months() }}") }}
{%- endmacro %}

{#- (factory_id, period) of the accepted submissions taken in since the last build. -#}
{% macro isf_touched_factory_months(built_through=none) -%}
    select distinct factory_id, period from {{ ref('int_isf_submissions') }}
    where submission_status = 'accepted' and file_seq > {{ isf_built_through() if built_through is none else built_through }}
{%- endmacro %}

{#- Each factory this night's accepted submissions touch, with the earliest
    period they touch: its months from then on may judge differently. -#}
{% macro isf_touched_factories_from() -%}
    select factory_id, min(period) as first_period from ({{ isf_touched_factory_months() }}) group by factory_id
{%- endmacro %}

{#- The accepted submissions whose IS12 warnings this night judges again (as
    int_isf_warnings does; only accepted ones have any): those of the factories
    it touched, from the earliest period it touched. Found once a night
    (int_isf_rejudged): the models built on the warnings replace these and no others. -#}
{% macro isf_rejudged_submissions() -%}
    select submissions.file_seq, submissions.record_number, submissions.factory_id, submissions.period
    from {{ ref('int_isf_submissions') }} as submissions
    semi join ({{ isf_touched_factories_from() }}) as touched
        on touched.factory_id = submissions.factory_id and submissions.period >= touched.first_period
    where submissions.submission_status = 'accepted'
{%- endmacro %}

{#- The findings (rows of int_findings) a night makes again: those of its new
    files, of every regional report (few, and a new version changes the
    findings of the old ones: RF06, RR08), and the IS12 warnings it judged again. -#}
{% macro isf_findings_remade() -%}
    source = 'regional_reports' or file_seq > {{ isf_built_through() }}
    or (rule_id = 'IS12' and (file_seq, row_number) in (select (file_seq, record_number) from {{ ref('int_isf_rejudged') }}))
{%- endmacro %}

{#- The files whose rows a night makes again in the tables kept by the file's
    content and path (quality.findings, quarantined_rows): its new files, and
    every regional report (few, and a new version changes the old ones' findings). -#}
{% macro isf_remade_files(built_through=none) -%}
    select file_sha256, path from {{ ref('stg_landed_files') }}
    where source = 'regional_reports' or file_seq > {{ isf_built_through() if built_through is none else built_through }}
{%- endmacro %}

{#- The rows of `model` a data test restricted to a night checks, as a query:
    `night: factory_months` (a table with a row per factory_id and period), the
    rows of the factory-months the night rewrote; `night: files` (a table with
    the file_sha256 and path of its rows' files), the rows of the files the night
    made again (isf_remade_files). Empty on a full build, when a test checks the
    whole table (isf_tested_through says why the night's rows are enough). It
    names what it reads with ref() whatever the build, so that dbt runs the test
    after it. -#}
{% macro night_rows(model, night) -%}
    {%- set reads = ref('int_isf_submissions') if night == 'factory_months' else ref('stg_landed_files') -%}
    {%- if (isf_tested_through() | trim) == '0' -%}
    {%- elif night == 'factory_months' -%}
        select * from {{ model }} semi join ({{ isf_touched_factory_months(isf_tested_through()) }}) as touched using (factory_id, period)
    {%- elif night == 'files' -%}
        select * from {{ model }} semi join ({{ isf_remade_files(isf_tested_through()) }}) as night_files using (file_sha256, path)
    {%- else -%}
        {{ exceptions.raise_compiler_error("night: factory_months or files, not " ~ night) }}
    {%- endif -%}
{%- endmacro %}

{#- The rows of quality.findings a night replaces: those isf_findings_remade()
    makes again, found by the file's content and path (the published table has
    neither the file's sequence nor its source). -#}
{% macro published_findings_remade() -%}
    (file_sha256, path) in (select (file_sha256, path) from ({{ isf_remade_files() }}))
    or (rule_id = 'IS12' and (file_sha256, path, row_number) in (
        select (files.file_sha256, files.path, rejudged.record_number)
        from {{ ref('int_isf_rejudged') }} as rejudged join {{ ref('stg_landed_files') }} as files using (file_seq)))
{%- endmacro %}

{#- The last successful build's watermark when `incremental` (and a build has
    been recorded), else 0 (everything). -#}
{% macro isf_watermark(incremental) -%}
    {%- set state = adapter.get_relation(database=target.database, schema='build_state', identifier='dbt_builds') if execute else none -%}
    {%- if incremental and state is not none -%}
        (select coalesce(max(built_through_file_seq), 0) from {{ state }})
    {%- else -%}
        0
    {%- endif -%}
{%- endmacro %}

{#- A data test's watermark: within an incremental `dbt build`, that of the
    build it gates; 0 (everything) on a full build and in `dbt test` by hand. A
    test restricted to the rows a night wrote holds for the whole table because
    the rows before were tested by the builds that wrote them, and a build whose
    test fails records no watermark: the next one writes and tests them again. -#}
{% macro isf_tested_through() -%}
    {{ isf_watermark(flags.WHICH == 'build' and not should_full_refresh()) }}
{%- endmacro %}
