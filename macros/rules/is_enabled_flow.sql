{#- SQL truth of "this flow is applied": active in the catalogue, or deferred and listed
    in the enabled_deferred_flows var (RULES.md §7 step 4). -#}
{% macro is_enabled_flow(flow_code_column, flow_status_column) %}
    {%- set enabled = enabled_deferred_flows() -%}
    {%- if enabled | length == 0 -%}
        {{- return("(" ~ flow_status_column ~ " = 'active')") -}}
    {%- else -%}
        {%- set literals = [] -%}
        {%- for flow in enabled -%}{%- do literals.append(string_literal(flow)) -%}{%- endfor -%}
        {{- return("(" ~ flow_status_column ~ " = 'active' or " ~ flow_code_column ~ " in ("
            ~ literals | join(", ") ~ "))") -}}
    {%- endif -%}
{% endmacro %}
