{#- Nothing lost: for every file, rows read = rows accepted + rows quarantined. -#}
{% test rows_conserved(model) %}
select *
from {{ model }}
where rows_read <> rows_accepted + rows_quarantined
{% endtest %}
