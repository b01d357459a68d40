-- One row per person x flow x episode x segment of counted days (RULES.md §5): a counted
-- day is a reimbursed aid day of a benefit type the flow counts, inside an episode of the
-- flow; several decisions on one day count once, and the day's paid date is the earliest
-- of theirs (RULES.md §3). Segments are the elementary periods between the start and end
-- points of the overlapping decision-month periods, so every day of a segment has the
-- same paid date and the same deciding OCMW (earliest paid date, then smallest
-- decision_id, RULES.md §5). A segment never crosses a calendar month.
-- A period that overlaps no other period of its person x flow x episode holds no
-- other boundary, so it is its own segment: only the overlapping ones are cut into
-- elementary periods and ranked (at 1,000,000 persons, few of the 2.9 M; ADR 0012).
with

reimbursed_periods as (
    select * from {{ ref('int_reimbursed_aid_periods') }}
),

flow_benefit_types as (
    select * from {{ ref('int_rules__flow_benefit_types') }}
),

episodes as (
    select * from {{ ref('int_residence_episodes') }}
),

flow_periods as (
    select
        episodes.insz,
        episodes.flow_code,
        episodes.episode_number,
        reimbursed_periods.decision_id,
        reimbursed_periods.ocmw_nis_code,
        reimbursed_periods.paid_date,
        greatest(reimbursed_periods.period_start, episodes.episode_start) as period_start,
        least(reimbursed_periods.period_end, episodes.episode_last_day) as period_end
    from reimbursed_periods
    inner join flow_benefit_types
        on reimbursed_periods.benefit_type = flow_benefit_types.benefit_type
    inner join episodes
        on reimbursed_periods.insz = episodes.insz
            and flow_benefit_types.flow_code = episodes.flow_code
            and reimbursed_periods.period_start <= episodes.episode_last_day
            and reimbursed_periods.period_end >= episodes.episode_start
),

-- Ordered by start, a period overlaps a later one when the next start is on or before
-- its end, and an earlier one when the latest earlier end is on or after its start.
flow_periods_placed as (
    select
        *,
        max(period_end) over (
            partition by insz, flow_code, episode_number
            order by period_start, period_end
            rows between unbounded preceding and 1 preceding
        ) as latest_earlier_end,
        lead(period_start) over (
            partition by insz, flow_code, episode_number
            order by period_start, period_end
        ) as next_start
    from flow_periods
),

flow_periods_classified as (
    select
        *,
        coalesce(latest_earlier_end < period_start, true)
        and coalesce(next_start > period_end, true) as overlaps_no_other
    from flow_periods_placed
),

isolated_periods as (
    select * from flow_periods_classified
    where overlaps_no_other
),

overlapping_periods as (
    select * from flow_periods_classified
    where not overlaps_no_other
),

boundaries as (
    select
        insz,
        flow_code,
        episode_number,
        period_start as boundary
    from overlapping_periods
    union
    select
        insz,
        flow_code,
        episode_number,
        {{ add_days('period_end', 1) }} as boundary
    from overlapping_periods
),

elementary_periods as (
    select
        insz,
        flow_code,
        episode_number,
        boundary as segment_start,
        {{ add_days('lead(boundary) over (partition by insz, flow_code, episode_number order by boundary)', -1) }}
            as segment_end
    from boundaries
),

covered as (
    select
        elementary_periods.insz,
        elementary_periods.flow_code,
        elementary_periods.episode_number,
        elementary_periods.segment_start,
        elementary_periods.segment_end,
        overlapping_periods.paid_date,
        overlapping_periods.decision_id,
        overlapping_periods.ocmw_nis_code,
        row_number() over (
            partition by
                elementary_periods.insz,
                elementary_periods.flow_code,
                elementary_periods.episode_number,
                elementary_periods.segment_start
            order by overlapping_periods.paid_date, overlapping_periods.decision_id
        ) as decision_rank
    from elementary_periods
    inner join overlapping_periods
        on elementary_periods.insz = overlapping_periods.insz
            and elementary_periods.flow_code = overlapping_periods.flow_code
            and elementary_periods.episode_number = overlapping_periods.episode_number
            and elementary_periods.segment_start >= overlapping_periods.period_start
            and elementary_periods.segment_end <= overlapping_periods.period_end
    where elementary_periods.segment_end is not null
),

segments as (
    select
        insz,
        flow_code,
        episode_number,
        period_start as segment_start,
        period_end as segment_end,
        paid_date,
        decision_id,
        ocmw_nis_code
    from isolated_periods
    union all
    select
        insz,
        flow_code,
        episode_number,
        segment_start,
        segment_end,
        -- the day's paid date: the earliest over the reimbursed decisions covering it
        paid_date,
        decision_id,
        ocmw_nis_code
    from covered
    where decision_rank = 1
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        segment_start,
        segment_end,
        {{ days_between('segment_start', 'segment_end') }} + 1 as day_count,
        paid_date,
        decision_id,
        ocmw_nis_code
    from segments
)

select * from final
