-- One row per person x deferred flow named as the prior aid of a prior-aid criterion (D1
-- for C1, D2 for C2; RULES.md §5): the person's first counted day of that flow - aid of
-- its benefit types, reimbursed, while holding its annex 19/19ter permit - with the
-- decision that gives the day its count, its paid date and OCMW. Every counted leefloon
-- day after it satisfies LEEFLOON_AFTER_ANNEX19_AID, so this is the earlier aid an auditor
-- is shown next to the criterion.
with

prior_aid_flows as (
    select distinct prior_aid_flow_code
    from {{ ref('int_rules__criteria_in_force') }}
    where criterion_kind = 'prior_aid'
),

segments as (
    select * from {{ ref('int_counted_day_segments') }}
),

prior_segments as (
    select
        segments.*,
        row_number() over (
            partition by segments.insz, segments.flow_code
            order by segments.segment_start
        ) as day_order
    from segments
    inner join prior_aid_flows on segments.flow_code = prior_aid_flows.prior_aid_flow_code
),

final as (
    select
        insz,
        flow_code as prior_aid_flow_code,
        episode_number as prior_aid_episode_number,
        segment_start as first_prior_aid_day,
        decision_id as prior_aid_decision_id,
        paid_date as prior_aid_paid_date,
        ocmw_nis_code as prior_aid_ocmw_nis_code
    from prior_segments
    where day_order = 1
)

select * from final
