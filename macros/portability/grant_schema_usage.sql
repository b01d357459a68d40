{#- on-run-end hook: on engines with GRANT, give each role named in a built model's
    `grants` config USAGE on that model's schema; without it the SELECT granted by dbt
    cannot be used (dbt's grants config covers relations only). Engines without GRANT
    (DuckDB, a local Spark) get no statement. Returns SQL for the hook. -#}
{% macro grant_schema_usage(results) %}
    {{ return(adapter.dispatch('grant_schema_usage', 'dvz_transfer_warehouse')(results)) }}
{% endmacro %}

{% macro default__grant_schema_usage(results) %}
    {{ return('select 1') }}
{% endmacro %}

{% macro postgres__grant_schema_usage(results) %}
    {%- set statements = [] -%}
    {%- for result in results if execute and result.node.resource_type == 'model' and result.status == 'success' -%}
        {%- for grantees in (result.node.config.grants or {}).values() -%}
            {%- for grantee in ([grantees] if grantees is string else grantees) -%}
                {%- set statement = "grant usage on schema " ~ adapter.quote(result.node.schema) ~ " to "
                    ~ adapter.quote(grantee) -%}
                {%- if statement not in statements -%}{%- do statements.append(statement) -%}{%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return((statements | sort | join(';\n')) if statements else 'select 1') }}
{% endmacro %}
