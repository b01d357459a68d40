-- One row per person x flow x episode x segment of counted days (RULES.md §5): a counted
-- day is a reimbursed aid day of a benefit type the flow counts, inside an episode of the
-- flow; several decisions on one day count once, and the day's paid date is the earliest
-- of theirs (RULES.md §3). Segments are the elementary periods between the start and end
-- points of the overlapping decision-month periods, so every day of a segment has the
-- same paid date and the same deciding OCMW (earliest paid date, then smallest
-- decision_id, RULES.md §5). A segment never crosses a calendar month.
-- An interval that overlaps no other interval of its person x flow x episode holds no
-- other boundary, so it is its own segment: only the overlapping ones are cut into
-- elementary periods and ranked (at 1,000,000 persons, few of the 2.9 M; ADR 0012).
with

reimbursed_intervals as (
    select * from {{ ref('int_reimbursed_aid_intervals') }}
),

flow_benefit_types as (
    select * from {{ ref('int_rules__flow_benefit_types') }}
),

episodes as (
    select * from {{ ref('int_residence_episodes') }}
),

flow_intervals as (
    select
        episodes.insz,
        episodes.flow_code,
        episodes.episode_number,
        reimbursed_intervals.decision_id,
        reimbursed_intervals.ocmw_nis_code,
        reimbursed_intervals.paid_date,
        greatest(reimbursed_intervals.interval_start, episodes.episode_start) as interval_start,
        least(reimbursed_intervals.interval_end, episodes.episode_last_day) as interval_end
    from reimbursed_intervals
    inner join flow_benefit_types
        on reimbursed_intervals.benefit_type = flow_benefit_types.benefit_type
    inner join episodes
        on reimbursed_intervals.insz = episodes.insz
            and flow_benefit_types.flow_code = episodes.flow_code
            and reimbursed_intervals.interval_start <= episodes.episode_last_day
            and reimbursed_intervals.interval_end >= episodes.episode_start
),

-- Ordered by start, an interval overlaps a later one when the next start is on or before
-- its end, and an earlier one when the latest earlier end is on or after its start.
flow_intervals_placed as (
    select
        *,
        max(interval_end) over (
            partition by insz, flow_code, episode_number
            order by interval_start, interval_end
            rows between unbounded preceding and 1 preceding
        ) as latest_earlier_end,
        lead(interval_start) over (
            partition by insz, flow_code, episode_number
            order by interval_start, interval_end
        ) as next_start
    from flow_intervals
),

flow_intervals_classified as (
    select
        *,
        coalesce(latest_earlier_end < interval_start, true)
        and coalesce(next_start > interval_end, true) as overlaps_no_other
    from flow_intervals_placed
),

isolated_intervals as (
    select * from flow_intervals_classified
    where overlaps_no_other
),

overlapping_intervals as (
    select * from flow_intervals_classified
    where not overlaps_no_other
),

boundaries as (
    select
        insz,
        flow_code,
        episode_number,
        interval_start as boundary
    from overlapping_intervals
    union
    select
        insz,
        flow_code,
        episode_number,
        {{ add_days('interval_end', 1) }} as boundary
    from overlapping_intervals
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
        overlapping_intervals.paid_date,
        overlapping_intervals.decision_id,
        overlapping_intervals.ocmw_nis_code,
        row_number() over (
            partition by
                elementary_periods.insz,
                elementary_periods.flow_code,
                elementary_periods.episode_number,
                elementary_periods.segment_start
            order by overlapping_intervals.paid_date, overlapping_intervals.decision_id
        ) as decision_rank
    from elementary_periods
    inner join overlapping_intervals
        on elementary_periods.insz = overlapping_intervals.insz
            and elementary_periods.flow_code = overlapping_intervals.flow_code
            and elementary_periods.episode_number = overlapping_intervals.episode_number
            and elementary_periods.segment_start >= overlapping_intervals.interval_start
            and elementary_periods.segment_end <= overlapping_intervals.interval_end
    where elementary_periods.segment_end is not null
),

segments as (
    select
        insz,
        flow_code,
        episode_number,
        interval_start as segment_start,
        interval_end as segment_end,
        paid_date,
        decision_id,
        ocmw_nis_code
    from isolated_intervals
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
