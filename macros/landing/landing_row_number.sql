{#- The 1-based position of a row in its landing file, header excluded (CONTRACT.md §3).
    Parquet gives it (file_row_number, requested by the source's reader); the CSV reader
    keeps file order (preserve_insertion_order), so a row_number over the bare scan is the
    line position. -#}
{% macro landing_row_number() %}
    {{ return(adapter.dispatch('landing_row_number', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro duckdb__landing_row_number() %}
    {%- if landing_format() == 'csv' -%}
        {{- return('row_number() over ()') -}}
    {%- else -%}
        {{- return('file_row_number + 1') -}}
    {%- endif -%}
{% endmacro %}
