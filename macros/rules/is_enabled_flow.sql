{#- SQL truth of "this flow is applied": active in the catalogue, or deferred and listed
    in the enabled_deferred_flows var (RULES.md §7 step 4). -#}
{% macro is_enabled_flow(flow_code_column, flow_status_column) %}
    {%- set enabled = enabled_deferred_flows() -%}
    {%- if enabled | length == 0 -%}
        {{- return("(" ~ flow_status_column ~ " = 'active')") -}}
    {%- else -%}
        {{- return("(" ~ flow_status_column ~ " = 'active' or " ~ flow_code_column ~ " in ('"
            ~ enabled | join("', '") ~ "'))") -}}
    {%- endif -%}
{% endmacro %}
