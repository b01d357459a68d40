{#- The counts of the last good build the circuit breakers compare with (rpt_circuit_breakers):
    one row per subject (a landing source, or `transfer_rows`) with row_count,
    effective_rows, quarantined_rows and as_of_date; no row when there is no last good build.
    DuckDB reads the copy the on-run-start hook made (load_circuit_breaker_baseline); the
    other engines keep no build history (ADR 0014) and get no row, so they check emptiness
    only. -#}
{% macro circuit_breaker_baseline_sql() %}
    {{ return(adapter.dispatch('circuit_breaker_baseline_sql', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro default__circuit_breaker_baseline_sql() %}
    {{- return("select cast(null as " ~ dbt.type_string() ~ ") as subject, cast(null as " ~ dbt.type_bigint()
        ~ ") as row_count, cast(null as " ~ dbt.type_bigint() ~ ") as effective_rows, cast(null as "
        ~ dbt.type_bigint() ~ ") as quarantined_rows, cast(null as date) as as_of_date where 1 = 0") -}}
{% endmacro %}

{% macro duckdb__circuit_breaker_baseline_sql() %}
    {{- return("select subject, row_count, effective_rows, quarantined_rows, as_of_date from "
        ~ source('build_audit', 'circuit_breaker_baseline')) -}}
{% endmacro %}
