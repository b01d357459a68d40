{#- The deferred flows treated as active (CONTRACT.md §1). Accepts a YAML list
    ([D1, D3]) or a comma-separated string ("D1,D3"). The accepted codes are the
    contract's deferred flows; the rule catalogue must list each of them as deferred
    (a data test on the catalogue guards that). -#}
{% macro enabled_deferred_flows() %}
    {%- set accepted = ['D1', 'D2', 'D3'] -%}
    {%- set raw = var('enabled_deferred_flows', []) -%}
    {%- if raw is none -%}
        {%- set raw = [] -%}
    {%- elif raw is string -%}
        {%- set raw = raw.split(',') if raw | trim != '' else [] -%}
    {%- endif -%}
    {%- set flows = [] -%}
    {%- for item in raw -%}
        {%- set code = item | string | trim | upper -%}
        {%- if code not in accepted -%}
            {{ exceptions.raise_compiler_error(
                "Invalid var enabled_deferred_flows: unknown flow code '" ~ item ~ "'. Accepted: a list of "
                ~ accepted | join(', ') ~ " (e.g. [D1, D3]), or [] for none."
            ) }}
        {%- endif -%}
        {%- if code not in flows -%}{%- do flows.append(code) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(flows | sort) }}
{% endmacro %}
