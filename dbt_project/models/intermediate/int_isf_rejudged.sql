-- The accepted submissions whose IS12 warnings the last incremental night
-- judged again (isf_rejudged_submissions, as int_isf_warnings does), found
-- once a night for the models that replace what the warnings feed: the search
-- reads every submission's factory and month. Empty after a whole build, whose
-- models read everything.
{{ isf_incremental_config("true") }}
select * from ({{ isf_rejudged_submissions() }})
{%- if not is_incremental() %}
where false
{%- endif %}
