-- RULES.md §7.4: a deferred flow (flow_status deferred in seed rule_flows, not working yet
-- for technical reasons) never yields TRANSFER unless it is listed in the
-- enabled_deferred_flows var.
select
    eligibility.insz,
    eligibility.flow_code,
    eligibility.transfer_status
from {{ ref('fct_transfer_eligibility') }} as eligibility
inner join {{ ref('rule_flows') }} as flows
    on eligibility.flow_code = flows.flow_code
where eligibility.transfer_status = 'TRANSFER'
    and flows.flow_status = 'deferred'
{%- set enabled = enabled_deferred_flows() %}
{%- if enabled | length > 0 %}
    and eligibility.flow_code not in ('{{ enabled | join("', '") }}')
    {%- endif %}
