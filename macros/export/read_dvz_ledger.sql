{#- SQL selecting every row of the delivery ledger (RULES.md §8a) before the batch month,
    one row per row of a batch file (`DELIVERED`) or a correction file (`WITHDRAWN`):
    insz, flow_code, episode_start, ledger_event, batch_month (`YYYY-MM`),
    transfer_due_on and is_late (batch rows), delivered_in_batch and current_status
    (correction rows), source_file (the file's name) and source_row_number (1-based).
    The source `dvz_delivery_ledger` stands for the files in the lineage; on DuckDB and
    Spark they are read in place (dvz_ledger_files lists and checks them), on PostgreSQL
    from the tables scripts/load_landing_postgres.py loaded them into (ADR 0013). -#}
{% macro read_dvz_ledger() %}
    {%- set lineage = [source('dvz_delivery_ledger', 'dvz_transfer_batch_files'),
        source('dvz_delivery_ledger', 'dvz_transfer_correction_files')] -%}
    {{ return(adapter.dispatch('read_dvz_ledger', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro default__read_dvz_ledger() %}
    {%- set ledger = dvz_ledger_files() -%}
    {%- set selects = [] -%}
    {%- for month, path in ledger['batch'] -%}
        {%- do selects.append(
            "select insz, flow_code, episode_start, 'DELIVERED' as ledger_event, "
            ~ string_literal(month) ~ " as batch_month, transfer_due_on, is_late, "
            ~ "cast(null as " ~ dbt.type_string() ~ ") as delivered_in_batch, "
            ~ "cast(null as " ~ dbt.type_string() ~ ") as current_status, "
            ~ string_literal(path.split('/')[-1]) ~ " as source_file, source_row_number from "
            ~ parquet_file_rows(path)) -%}
    {%- endfor -%}
    {%- for month, path in ledger['corrections'] -%}
        {%- do selects.append(
            "select insz, flow_code, episode_start, 'WITHDRAWN' as ledger_event, "
            ~ string_literal(month) ~ " as batch_month, cast(null as date) as transfer_due_on, "
            ~ "cast(null as boolean) as is_late, delivered_in_batch, current_status, "
            ~ string_literal(path.split('/')[-1]) ~ " as source_file, source_row_number from "
            ~ parquet_file_rows(path)) -%}
    {%- endfor -%}
    {%- if not selects -%}
        {#- An empty ledger (nothing delivered yet) is a valid ledger, with the same columns. -#}
        {%- set text = "cast(null as " ~ dbt.type_string() ~ ")" -%}
        {%- do selects.append("select " ~ text ~ " as insz, " ~ text ~ " as flow_code, cast(null as date) as episode_start, "
            ~ text ~ " as ledger_event, " ~ text ~ " as batch_month, cast(null as date) as transfer_due_on, "
            ~ "cast(null as boolean) as is_late, " ~ text ~ " as delivered_in_batch, " ~ text ~ " as current_status, "
            ~ text ~ " as source_file, cast(null as " ~ dbt.type_bigint() ~ ") as source_row_number where 1 = 0") -%}
    {%- endif -%}
    {{ return(selects | join('\nunion all\n')) }}
{% endmacro %}

{#- PostgreSQL cannot read Parquet: the loader copied the ledger files of every month into
    two tables; the months before the batch month are read from them. -#}
{% macro postgres__read_dvz_ledger() %}
    {%- set batch_month = string_literal(export_batch_month()[:7]) -%}
    {%- if execute -%}
        {%- set loaded = run_query("select landing_dir, landing_dir_absolute from landing.load_manifest"
            ~ " where source = 'dvz_delivery_ledger'").rows -%}
        {%- if not loaded or dvz_export_dir() not in [loaded[0][0], loaded[0][1]] -%}
            {{ exceptions.raise_compiler_error(
                "DVZ delivery ledger: the ledger tables of database " ~ target.dbname ~ " were not loaded from "
                ~ dvz_export_dir() ~ " (DVZ_EXPORT_DIR)" ~ (", but from " ~ loaded[0][1] if loaded else "")
                ~ "; load them first: python scripts/load_landing_postgres.py --ledger-dir " ~ dvz_export_dir()
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(
        "select insz, flow_code, episode_start, 'DELIVERED' as ledger_event, batch_month, transfer_due_on, is_late, "
        ~ "cast(null as text) as delivered_in_batch, cast(null as text) as current_status, source_file, source_row_number "
        ~ "from " ~ source('dvz_delivery_ledger', 'dvz_transfer_batch_files') ~ " where batch_month < " ~ batch_month
        ~ "\nunion all\n"
        ~ "select insz, flow_code, episode_start, 'WITHDRAWN' as ledger_event, batch_month, cast(null as date) as transfer_due_on, "
        ~ "cast(null as boolean) as is_late, delivered_in_batch, current_status, source_file, source_row_number "
        ~ "from " ~ source('dvz_delivery_ledger', 'dvz_transfer_correction_files') ~ " where batch_month < " ~ batch_month
    ) }}
{% endmacro %}
