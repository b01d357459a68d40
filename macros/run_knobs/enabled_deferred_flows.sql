{#- The deferred flows treated as active (CONTRACT.md §1). Accepts a YAML list
    ([D1, D3]) or a comma-separated string ("D1,D3"). The flow codes are data (seed
    rule_flows): here a code need only look like one; check_enabled_deferred_flows
    (on-run-start) stops the run when one is not a deferred flow of the catalogue. -#}
{% macro enabled_deferred_flows() %}
    {%- set raw = var('enabled_deferred_flows', []) -%}
    {%- if raw is none -%}
        {%- set raw = [] -%}
    {%- elif raw is string -%}
        {%- set raw = raw.split(',') if raw | trim != '' else [] -%}
    {%- endif -%}
    {%- set flows = [] -%}
    {%- for item in raw -%}
        {%- set code = item | string | trim | upper -%}
        {%- if not modules.re.match('^[A-Z][A-Z0-9_]*$', code) -%}
            {{ exceptions.raise_compiler_error(
                "Invalid var enabled_deferred_flows: '" ~ item ~ "' is not a flow code. Accepted: a list of"
                ~ " the deferred flows of seed rule_flows (e.g. [D1, D3]), or [] for none."
            ) }}
        {%- endif -%}
        {%- if code not in flows -%}{%- do flows.append(code) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(flows | sort) }}
{% endmacro %}
