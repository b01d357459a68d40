-- One row per person x flow x episode x prior-aid criterion (LEEFLOON_AFTER_ANNEX19_AID)
-- x counting mode in which the criterion is met (RULES.md §5-6): a counted leefloon day L
-- of the episode for which an earlier day A (any time before, in any episode) counts for
-- the criterion's deferred flow (D1 for C1, D2 for C2) - whether or not that flow is
-- enabled. Met on the first such L; due on the earliest, over such L, of the later of
-- the date L exists and the earliest date some such A before L exists. Counting modes do
-- not change this criterion; it is listed under both for a uniform evaluation.
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

-- A prior segment's days exist from the later of each day and the paid date, so its
-- earliest existing day is its first: max(first day, paid date).
prior_segments as (
    select
        insz,
        flow_code as prior_aid_flow_code,
        segment_start as prior_start,
        greatest(segment_start, paid_date) as prior_exists_on
    from {{ ref('int_counted_day_segments') }}
    where flow_code in (select criteria.prior_aid_flow_code from criteria)
),

first_prior_days as (
    select
        insz,
        prior_aid_flow_code,
        min(prior_start) as first_prior_day
    from prior_segments
    group by insz, prior_aid_flow_code
),

-- leefloon days after the first prior day, per leefloon segment
eligible_segments as (
    select
        leefloon_segments.*,
        greatest(leefloon_segments.segment_start, {{ add_days('first_prior_days.first_prior_day', 1) }})
            as first_eligible_day
    from leefloon_segments
    inner join first_prior_days
        on leefloon_segments.insz = first_prior_days.insz
            and leefloon_segments.prior_aid_flow_code = first_prior_days.prior_aid_flow_code
    where leefloon_segments.segment_end > first_prior_days.first_prior_day
),

met as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        min(first_eligible_day) as criterion_met_on
    from eligible_segments
    group by insz, flow_code, episode_number, criterion_code
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
        candidate_days.criterion_code, candidate_days.candidate_day, candidate_days.paid_date
),

due as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        min(greatest(leefloon_exists_on, prior_exists_on)) as transfer_due_on
    from candidate_existence
    group by insz, flow_code, episode_number, criterion_code
),

modes as (
    select counting_mode from (
        select 'consecutive' as counting_mode
        union all
        select 'cumulative' as counting_mode
    ) as counting_modes
),

final as (
    select
        met.insz,
        met.flow_code,
        met.episode_number,
        met.criterion_code,
        modes.counting_mode,
        met.criterion_met_on,
        due.transfer_due_on
    from met
    inner join due
        on met.insz = due.insz
            and met.flow_code = due.flow_code
            and met.episode_number = due.episode_number
            and met.criterion_code = due.criterion_code
    cross join modes
)

select * from final
