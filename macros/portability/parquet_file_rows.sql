{#- A Parquet file read in place as a relation of its columns plus source_row_number, the
    1-based position of the row in the file. -#}
{% macro parquet_file_rows(path) %}
    {{ return(adapter.dispatch('parquet_file_rows', 'dvz_transfer_warehouse')(path)) }}
{% endmacro %}

{% macro default__parquet_file_rows(path) %}
    {{ return("(select *, file_row_number + 1 as source_row_number from read_parquet("
        ~ string_literal(path) ~ ", file_row_number = true)) as parquet_file") }}
{% endmacro %}

{#- Spark: the path between backquotes (a backquote in it is doubled). -#}
{% macro spark__parquet_file_rows(path) %}
    {{ return("(select *, _metadata.row_index + 1 as source_row_number from parquet.`"
        ~ path | replace('`', '``') ~ "`) as parquet_file") }}
{% endmacro %}
