{#- on-run-start (execution only): stop the run when the enabled_deferred_flows var names a
    code that is not a deferred flow of the rule catalogue, naming the var and the accepted
    codes read from the seed file itself (so a flow added by a seed row is accepted before
    the seed is loaded). Where the engine cannot read the seed file, the singular test
    assert_enabled_deferred_flows_are_deferred_in_catalogue guards the same rule. -#}
{% macro check_enabled_deferred_flows() %}
    {%- set accepted = catalogue_deferred_flow_codes() -%}
    {%- if accepted is none -%}{{ return(none) }}{%- endif -%}
    {%- for code in enabled_deferred_flows() -%}
        {%- if code not in accepted -%}
            {{ exceptions.raise_compiler_error(
                "Invalid var enabled_deferred_flows: unknown flow code '" ~ code ~ "'. Accepted: a list of "
                ~ accepted | join(', ') ~ " (the deferred flows of seed rule_flows, e.g. [" ~ accepted[0]
                ~ "]), or [] for none."
            ) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}

{#- The flow codes with flow_status deferred in the seed file rule_flows (any version), read
    from the CSV file; none where the engine cannot read a local file. Dispatched. -#}
{% macro catalogue_deferred_flow_codes() %}
    {{ return(adapter.dispatch('catalogue_deferred_flow_codes', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro default__catalogue_deferred_flow_codes() %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__catalogue_deferred_flow_codes() %}
    {%- set seeds = graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed')
        | selectattr('name', 'equalto', 'rule_flows') | list -%}
    {%- set path = seeds[0].root_path ~ '/' ~ seeds[0].original_file_path -%}
    {%- set rows = run_query(
        "select distinct upper(trim(flow_code)) as flow_code from read_csv(" ~ string_literal(path)
        ~ ", header = true, all_varchar = true) where trim(flow_status) = 'deferred' order by 1") -%}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}

{#- Spark (session method: the driver runs where the project is): the seed file through a
    temporary CSV view, quoted fields and doubled quotes as the seed loader reads them. -#}
{% macro spark__catalogue_deferred_flow_codes() %}
    {%- set seeds = graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed')
        | selectattr('name', 'equalto', 'rule_flows') | list -%}
    {%- set path = seeds[0].root_path ~ '/' ~ seeds[0].original_file_path -%}
    {%- do run_query(
        "create or replace temporary view dvz_rule_flows_file using csv options (path "
        ~ string_literal(path) ~ ", header 'true', escape '\"', multiLine 'true')") -%}
    {%- set rows = run_query(
        "select distinct upper(trim(flow_code)) as flow_code from dvz_rule_flows_file"
        ~ " where trim(flow_status) = 'deferred' order by 1") -%}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}
