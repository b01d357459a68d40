{{ config(materialized='view') }}
-- One row per person x flow x episode x prior-aid criterion (LEEFLOON_AFTER_ANNEX19_AID)
-- x counting mode in which the criterion is met (RULES.md §6): due on the earliest, over
-- the qualifying leefloon days L, of the later of the date L exists and the earliest date
-- some qualifying aid day A before L exists (listed under each counting mode, which
-- does not change it).
with

criteria as (
    select distinct prior_aid_flow_code
    from {{ ref('int_rules__criteria_in_force') }}
    where criterion_kind = 'prior_aid'
),

eligible_segments as (
    select * from {{ ref('int_leefloon_segments_after_prior_aid') }}
),

-- A prior segment's days exist from the later of each day and the paid date, so its
-- earliest existing day is its first: max(first day, paid date).
prior_segments as (
    select
        segments.insz,
        segments.flow_code as prior_aid_flow_code,
        segments.segment_start as prior_start,
        greatest(segments.segment_start, segments.paid_date) as prior_exists_on
    from {{ ref('int_counted_day_segments') }} as segments
    inner join criteria on segments.flow_code = criteria.prior_aid_flow_code
),

-- Within a leefloon segment L's existence only grows with L, and the set of earlier prior
-- days only grows at the day after a prior segment starts: the earliest due date is
-- reached at a segment's first eligible day or the day after some prior segment starts.
candidate_days as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        counting_mode,
        prior_aid_flow_code,
        paid_date,
        first_eligible_day as candidate_day
    from eligible_segments
    union
    select
        eligible_segments.insz,
        eligible_segments.flow_code,
        eligible_segments.episode_number,
        eligible_segments.criterion_code,
        eligible_segments.counting_mode,
        eligible_segments.prior_aid_flow_code,
        eligible_segments.paid_date,
        {{ add_days('prior_segments.prior_start', 1) }} as candidate_day
    from eligible_segments
    inner join prior_segments
        on eligible_segments.insz = prior_segments.insz
            and eligible_segments.prior_aid_flow_code = prior_segments.prior_aid_flow_code
            and {{ add_days('prior_segments.prior_start', 1) }} > eligible_segments.first_eligible_day
            and {{ add_days('prior_segments.prior_start', 1) }} <= eligible_segments.segment_end
),

candidate_existence as (
    select
        candidate_days.insz,
        candidate_days.flow_code,
        candidate_days.episode_number,
        candidate_days.criterion_code,
        candidate_days.counting_mode,
        candidate_days.candidate_day,
        greatest(candidate_days.candidate_day, candidate_days.paid_date) as leefloon_exists_on,
        min(prior_segments.prior_exists_on) as prior_exists_on
    from candidate_days
    inner join prior_segments
        on candidate_days.insz = prior_segments.insz
            and candidate_days.prior_aid_flow_code = prior_segments.prior_aid_flow_code
            and candidate_days.candidate_day > prior_segments.prior_start
    group by
        candidate_days.insz, candidate_days.flow_code, candidate_days.episode_number,
        candidate_days.criterion_code, candidate_days.counting_mode, candidate_days.candidate_day,
        candidate_days.paid_date
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        counting_mode,
        min(greatest(leefloon_exists_on, prior_exists_on)) as transfer_due_on
    from candidate_existence
    group by insz, flow_code, episode_number, criterion_code, counting_mode
)

select * from final
