{#- A seed column type as Spark accepts it: `varchar` (or `text`) without a length
    becomes `string`; any other type is kept. -#}
{% macro spark_seed_column_type(column_type) %}
    {{ return('string' if (column_type | string | lower | trim) in ['varchar', 'text', 'character varying']
        else column_type) }}
{% endmacro %}
