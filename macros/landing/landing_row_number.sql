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

{#- Engines whose landing relations are attached by a load step (PostgreSQL:
    scripts/load_landing_postgres.py) or by the on-run-start hook (Spark:
    spark__check_landing_files) carry the position as a column already. -#}
{% macro default__landing_row_number() %}
    {{- return('source_row_number') -}}
{% endmacro %}
