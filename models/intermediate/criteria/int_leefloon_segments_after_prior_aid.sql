{{ config(materialized='view') }}
-- One row per counted-day segment of a flow with a prior-aid criterion
-- (LEEFLOON_AFTER_ANNEX19_AID, RULES.md §5) that holds a day after the person's first
-- counted day of the criterion's prior-aid flow (D1 for C1, D2 for C2, whether or not
-- that flow is enabled): each such leefloon day L has an earlier aid day A. The step both
-- the met date and the due date of the criterion start from. Counting modes do not change
-- this criterion: every segment is listed under each mode, for a uniform evaluation.
with

criteria as (
    select
        flow_code,
        criterion_code,
        prior_aid_flow_code
    from {{ ref('int_rules__criteria_in_force') }}
    where criterion_kind = 'prior_aid'
),

leefloon_segments as (
    select
        segments.*,
        criteria.criterion_code,
        criteria.prior_aid_flow_code
    from {{ ref('int_counted_day_segments') }} as segments
    inner join criteria on segments.flow_code = criteria.flow_code
),

first_prior_aid_days as (
    select
        insz,
        prior_aid_flow_code,
        first_prior_aid_day
    from {{ ref('int_first_prior_aid_days') }}
),

counting_modes as (
    select code as counting_mode
    from {{ ref('ref_code_lists') }}
    where code_list = 'counting_mode'
),

final as (
    select
        leefloon_segments.insz,
        leefloon_segments.flow_code,
        leefloon_segments.episode_number,
        leefloon_segments.criterion_code,
        counting_modes.counting_mode,
        leefloon_segments.prior_aid_flow_code,
        leefloon_segments.segment_start,
        leefloon_segments.segment_end,
        leefloon_segments.paid_date,
        -- the segment's first leefloon day after the first prior aid day
        greatest(
            leefloon_segments.segment_start, {{ add_days('first_prior_aid_days.first_prior_aid_day', 1) }}
        ) as first_eligible_day
    from leefloon_segments
    inner join first_prior_aid_days
        on leefloon_segments.insz = first_prior_aid_days.insz
            and leefloon_segments.prior_aid_flow_code = first_prior_aid_days.prior_aid_flow_code
    cross join counting_modes
    where leefloon_segments.segment_end > first_prior_aid_days.first_prior_aid_day
)

select * from final
