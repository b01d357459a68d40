{#- on-run-end hook: when every node of the invocation passed and the circuit breakers were
    checked in it (assert_circuit_breakers_hold passed), keep this build's counts in
    audit.last_good_build: the last good build the next build's breakers compare with
    (load_circuit_breaker_baseline; README "Circuit breakers", ADR 0014). A failed build,
    one whose breakers tripped, or a partial selection leaves the earlier record as it was.
    DuckDB only: the other engines keep no build history. -#}
{% macro record_last_good_build(results) %}
    {{ return(adapter.dispatch('record_last_good_build', 'dvz_transfer_warehouse')(results)) }}
{% endmacro %}

{% macro default__record_last_good_build(results) %}
    {{ return('select 1') }}
{% endmacro %}

{% macro duckdb__record_last_good_build(results) %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- set breakers = results | selectattr('node.name', 'equalto', 'rpt_circuit_breakers') | list -%}
    {%- set checked = results | selectattr('node.name', 'equalto', 'assert_circuit_breakers_hold')
        | selectattr('status', 'equalto', 'pass') | list -%}
    {%- set failed = results | rejectattr('status', 'in', ['success', 'pass', 'warn', 'no-op']) | list -%}
    {%- if failed | length > 0 or checked | length == 0 or breakers | length == 0 -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- do run_query("create schema if not exists audit") -%}
    {%- do run_query("create or replace table audit.last_good_build as select subject, row_count, effective_rows,"
        ~ " quarantined_rows, as_of_date, " ~ string_literal(invocation_id) ~ " as dbt_invocation_id,"
        ~ " cast(" ~ string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) ~ " as timestamp) as recorded_at"
        ~ " from " ~ breakers[0].node.relation_name) -%}
    {{ return('select 1') }}
{% endmacro %}
