{#- The columns of a Parquet file, [(name, type), ...] with lower-case names, or none when
    the file is not Parquet. DuckDB gives the types (`varchar`, `date`, `decimal(12,2)`,
    ...); Spark the names only (type none). -#}
{% macro dvz_ledger_parquet_columns(path) %}
    {{ return(adapter.dispatch('dvz_ledger_parquet_columns', 'dvz_transfer_warehouse')(path)) }}
{% endmacro %}

{% macro default__dvz_ledger_parquet_columns(path) %}
    {#- A Parquet file begins and ends with the magic bytes PAR1 (a blob cast to text keeps
        printable bytes as they are). -#}
    {%- set magic = run_query("select size >= 12 and left(cast(content as varchar), 4) = 'PAR1'"
        ~ " and right(cast(content as varchar), 4) = 'PAR1' from read_blob(" ~ string_literal(path) ~ ")") -%}
    {%- if not magic.columns[0].values()[0] -%}{{ return(none) }}{%- endif -%}
    {%- set columns = [] -%}
    {%- for row in run_query("select column_name, column_type from (describe select * from read_parquet("
        ~ string_literal(path) ~ "))") -%}
        {%- do columns.append((row[0] | lower, row[1] | lower | replace(' ', ''))) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}

{% macro spark__dvz_ledger_parquet_columns(path) %}
    {%- set columns = [] -%}
    {%- for name in run_query("select * from parquet.`" ~ path | replace('`', '``') ~ "` limit 0").column_names -%}
        {%- do columns.append((name | lower, none)) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
