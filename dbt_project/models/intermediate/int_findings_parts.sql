-- Which files' findings (quality.findings' parts, by path) each build changed,
-- under the last file it took in: publishing, the exports and Great
-- Expectations take again only the parts changed since the build they hold
-- (warehouse/published_state.py IN_PARTS).
--
-- A whole build changes every part. A night compares the findings it makes
-- again (isf_findings_remade) with those they replace in quality.findings
-- (published_findings_remade): a regional report's findings made again the
-- same are no change, and an earlier export whose IS12 warning went is one.
-- quality.findings is read by name, not ref(): this model must read it before
-- the night replaces its rows, so findings depends on this model, not the
-- other way round.
-- depends_on: {{ ref('int_isf_rejudged') }}, {{ ref('stg_landed_files') }}
{{ config(materialized='incremental', incremental_strategy='append') }}
{%- set published = adapter.get_relation(database=this.database, schema='quality', identifier='findings') if execute else none %}
with build as (
    select max(file_seq) as file_seq from {{ ref('stg_landed_files') }}
),

{%- if is_incremental() and published is not none %}
{%- set columns = adapter.get_columns_in_relation(published) | map(attribute='quoted') | join(', ') %}

made as (
    select {{ columns }} from {{ ref('int_findings') }} where {{ isf_findings_remade() }}
),

replaced as (
    select {{ columns }} from {{ published }} where {{ published_findings_remade() }}
),

changed as (
    select path from (select * from made except all select * from replaced)
    union
    select path from (select * from replaced except all select * from made)
)
{%- else %}

changed as (
    select distinct path from {{ ref('int_findings') }}
)
{%- endif %}

select build.file_seq, changed.path
from build, changed
