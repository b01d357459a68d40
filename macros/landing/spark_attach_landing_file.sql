{#- Spark: make one landing file the relation landing.<source_stem>, read in place, with
    its 1-based source_row_number (CONTRACT.md §3), as DuckDB's readers give it:
    - CSV: every column as text (no schema inference), header row, RFC 4180 quoting
      (a doubled quote escapes a quote), quoted line breaks allowed (multiLine, which also
      keeps the file in one split, so the scan order is the file order); the row number
      counts rows in scan order.
    - Parquet: the typed columns and the row index Spark reports for Parquet files.
    Called by spark__check_landing_files (on-run-start), so every run re-points the
    relations at the files it names. -#}
{% macro spark_attach_landing_file(source_stem, path) %}
    {%- do run_query("drop view if exists landing." ~ source_stem) -%}
    {%- do run_query("drop table if exists landing." ~ source_stem ~ "__file") -%}
    {%- if landing_format() == 'csv' -%}
        {%- do run_query("create table landing." ~ source_stem ~ "__file using csv options (path " ~ string_literal(path)
            ~ ", header 'true', multiLine 'true', quote '\"', escape '\"', encoding 'UTF-8', inferSchema 'false')") -%}
        {%- do run_query("create view landing." ~ source_stem ~ " as select *, row_number() over ("
            ~ "order by input_file_block_start(), monotonically_increasing_id()) as source_row_number from landing."
            ~ source_stem ~ "__file") -%}
    {%- else -%}
        {%- do run_query("create table landing." ~ source_stem ~ "__file using parquet options (path "
            ~ string_literal(path) ~ ")") -%}
        {%- do run_query("create view landing." ~ source_stem ~ " as select *, _metadata.row_index + 1"
            ~ " as source_row_number from landing." ~ source_stem ~ "__file") -%}
    {%- endif -%}
{% endmacro %}
