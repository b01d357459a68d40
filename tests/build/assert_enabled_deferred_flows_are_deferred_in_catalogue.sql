-- CONTRACT.md §1: every code the enabled_deferred_flows var names is a deferred flow of the
-- rule catalogue (seed rule_flows). On DuckDB the on-run-start hook already stops such a
-- run; this test guards the engines that cannot read the seed file before it is loaded.
{%- set enabled = enabled_deferred_flows() %}
with

enabled as (
    {%- for flow in enabled %}
    select {{ string_literal(flow) }} as flow_code
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
        select cast(null as {{ dbt.type_string() }}) as flow_code
        where 1 = 0
    {%- endfor %}
),

deferred_flows as (
    select flow_code from {{ ref('rule_flows') }}
    where flow_status = 'deferred'
)

select enabled.flow_code
from enabled
where enabled.flow_code not in (select deferred_flows.flow_code from deferred_flows)
