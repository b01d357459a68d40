{#- Post-hook of `dvz_transfer_batch` (RULES.md §8): writes the batch as Parquet and CSV
    (same rows, same order) and a manifest beside them, all under dvz_export_dir() with
    absolute paths:
      dvz_transfer_batch_<YYYY-MM>.parquet, dvz_transfer_batch_<YYYY-MM>.csv,
      dvz_transfer_batch_<YYYY-MM>.manifest.json
    The manifest holds the row count, the SHA-256 and size of each file, as_of_date, the
    batch month, the git commit and the dbt invocation id. The data files depend only on
    the rows (sorted on the grain), so two builds of the same input give byte-identical
    files. Files are written on DuckDB; other engines log that they write none. -#}
{% macro write_dvz_batch_files() %}
    {{ return(adapter.dispatch('write_dvz_batch_files', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro default__write_dvz_batch_files() %}
    {%- if execute -%}
        {%- do log("DVZ batch export: files are written on DuckDB only; on " ~ target.type
            ~ " read the batch from " ~ this ~ ".", info=true) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__write_dvz_batch_files() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set folder = dvz_export_dir() -%}
    {%- set stem = folder ~ '/dvz_transfer_batch_' ~ export_batch_month()[:7] -%}
    {%- set ordered_rows = "select * from " ~ this ~ " order by insz, flow_code, criterion_code, episode_start" -%}
    {%- do run_query("copy (" ~ ordered_rows ~ ") to " ~ string_literal(stem ~ ".parquet") ~ " (format parquet, compression zstd)") -%}
    {%- do run_query("copy (" ~ ordered_rows ~ ") to " ~ string_literal(stem ~ ".csv") ~ " (format csv, header true, delimiter ',')") -%}
    {%- set manifest -%}
        copy (
            select
                'dvz_transfer_batch' as export_name,
                {{ string_literal(export_batch_month()[:7]) }} as batch_month,
                {{ string_literal(as_of_date()) }} as as_of_date,
                (select count(*) from {{ this }}) as row_count,
                (
                    select list({'file': filename, 'sha256': sha256(content), 'bytes': size} order by filename)
                    from read_blob([{{ string_literal(stem ~ '.parquet') }}, {{ string_literal(stem ~ '.csv') }}])
                ) as files,
                {{ git_commit_sql() }} as git_commit,
                {{ string_literal(invocation_id) }} as dbt_invocation_id,
                {{ string_literal(target.name) }} as dbt_target,
                {{ string_literal(run_started_at.isoformat()) }} as run_started_at
        ) to {{ string_literal(stem ~ '.manifest.json') }} (format json)
    {%- endset -%}
    {%- do run_query(manifest) -%}
    {%- do log("DVZ batch export written: " ~ stem ~ ".{parquet,csv,manifest.json}", info=true) -%}
    {{ return('') }}
{% endmacro %}
