{#- on-run-start hook: copy the counts of the last good build into
    audit.circuit_breaker_baseline, which the circuit breakers compare with
    (rpt_circuit_breakers; README "Circuit breakers", ADR 0014). The last good build is:
    - the warehouse named by DVZ_LAST_GOOD_DUCKDB_PATH (scripts/run.sh names the served
      warehouse it is about to replace), attached read-only for the copy;
    - otherwise the warehouse being built, whose audit.last_good_build a plain in-place
      `dbt build` finds as the last green build left it (record_last_good_build);
    and none (an empty baseline: a first build checks emptiness only) when that warehouse
    has no audit.last_good_build. DuckDB only: the other engines keep no build history. -#}
{% macro load_circuit_breaker_baseline() %}
    {{ return(adapter.dispatch('load_circuit_breaker_baseline', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro default__load_circuit_breaker_baseline() %}
    {{ return('select 1') }}
{% endmacro %}

{% macro duckdb__load_circuit_breaker_baseline() %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- set last_good_path = env_var('DVZ_LAST_GOOD_DUCKDB_PATH', '') | trim -%}
    {%- if last_good_path -%}
        {%- if run_query("select count(*) from glob(" ~ string_literal(last_good_path) ~ ")").columns[0].values()[0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "DVZ_LAST_GOOD_DUCKDB_PATH names no warehouse file: " ~ last_good_path
                ~ " (unset it to compare with the warehouse being built, or name the last good warehouse).") }}
        {%- endif -%}
        {%- do run_query("attach " ~ string_literal(last_good_path) ~ " as dvz_last_good (read_only)") -%}
    {%- endif -%}
    {%- set catalog = "'dvz_last_good'" if last_good_path else "current_database()" -%}
    {%- set recorded = ("dvz_last_good." if last_good_path else "") ~ "audit.last_good_build" -%}
    {%- set found = run_query("select count(*) from duckdb_tables() where database_name = " ~ catalog
        ~ " and schema_name = 'audit' and table_name = 'last_good_build'").columns[0].values()[0] -%}
    {%- set columns = "subject, row_count, effective_rows, quarantined_rows, as_of_date, dbt_invocation_id, recorded_at" -%}
    {%- do run_query("create schema if not exists audit") -%}
    {%- do run_query("create or replace table audit.circuit_breaker_baseline as " ~ (
        "select " ~ columns ~ " from " ~ recorded if found > 0 else
        "select * from (values (cast(null as varchar), cast(null as bigint), cast(null as bigint),"
            ~ " cast(null as bigint), cast(null as date), cast(null as varchar), cast(null as timestamp)))"
            ~ " as empty_baseline (" ~ columns ~ ") where false")) -%}
    {%- if last_good_path -%}
        {%- do run_query("detach dvz_last_good") -%}
    {%- endif -%}
    {{ return('select 1') }}
{% endmacro %}
