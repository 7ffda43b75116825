-- i-Single Form submissions read, accepted, quarantined and warned, per file,
-- per province in digits 3-4 of a well-formed registration number (its
-- provincial office follows the factory up) and per month reported if it is a
-- real one: what quality.submission_quality sums.
--
-- Incremental: a submission's outcome is fixed when its file arrives, and its
-- IS12 warnings change only where the night judges them again
-- (int_isf_warnings); each night counts its new files, and again the groups
-- (file, province, month) of earlier files holding a submission it judged again.
{%- set province_code = "case when regexp_full_match(factory_id, '[127][023]\\d{12}') then substr(factory_id, 3, 2) end" %}
{%- set period = "case when regexp_full_match(period, '\\d{4}-(0[1-9]|1[0-2])') then period end" %}
-- depends_on: {{ ref('int_isf_rejudged') }}
{#- the pre-hook renders its scope when it runs; the body, here -#}
{%- set rejudged = "{{ ref('int_isf_rejudged') }}" %}
{%- set rejudged_groups = "select distinct file_seq as rejudged_seq, " ~ province_code ~ " as rejudged_province, "
                          ~ period ~ " as rejudged_period from " ~ rejudged %}
{%- set in_rejudged_group = "rejudged_seq = file_seq and rejudged_province is not distinct from province_code"
                            ~ " and rejudged_period is not distinct from period" %}
{{ isf_incremental_config("file_seq > {{ isf_built_through() }} or exists (select 1 from (" ~ rejudged_groups ~ ") where " ~ in_rejudged_group ~ ")") }}
{%- set keyed = "select file_seq, record_number, submission_status, " ~ province_code ~ " as province_code, "
                ~ period ~ " as period from " ~ ref('int_isf_submissions') %}
with
{%- if is_incremental() %}
rejudged as (
    {{ rejudged_groups | replace(rejudged, ref('int_isf_rejudged')) }}
),
{%- endif %}

recounted as (
    {{ keyed }} where file_seq > {{ isf_built_through() }}
    {%- if is_incremental() %}
    union all
    -- only the rejudged groups' files are read, and their keys computed
    select * from ({{ keyed }} where file_seq <= {{ isf_built_through() }} and file_seq in (select rejudged_seq from rejudged))
    semi join rejudged on {{ in_rejudged_group }}
    {%- endif %}
),

warnings as (
    select file_seq, record_number, count(*) as warnings
    from {{ ref('int_isf_warnings') }}
    group by all
)

select
    file_seq,
    province_code,
    period,
    count(*) as rows_read,
    count(*) filter (where submission_status in ('accepted', 'duplicate')) as rows_accepted,
    count(*) filter (where submission_status = 'quarantined') as rows_quarantined,
    coalesce(sum(warnings.warnings), 0) as warnings
from recounted
left join warnings using (file_seq, record_number)
group by all
