{#- Fails with one row per listed column that holds a null on some row, with the number of
    such rows: a model's `not_null` checks in one test. One dbt node instead of one per
    column: dbt's own cost per test node (about 0.05-0.1 s) was most of a build's test time,
    the null checks themselves well under a millisecond each (ADR 0012). -#}
{% test columns_are_never_null(model, columns) %}
{%- for column in columns %}
    select
        '{{ column }}' as column_name,
        count(*) as null_rows
    from {{ model }}
    where {{ column }} is null
    having count(*) > 0
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endtest %}
