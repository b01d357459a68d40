-- The counted-day segments of each person x flow x episode placed in sequence: the run
-- of consecutive counted days each belongs to (consecutive mode, RULES.md §5) and how
-- many counted days of the episode and of the run come before it (cumulative counts).
with

segments as (
    select * from {{ ref('int_counted_day_segments') }}
),

with_previous as (
    select
        *,
        lag(segment_end) over (
            partition by insz, flow_code, episode_number order by segment_start
        ) as previous_segment_end
    from segments
),

run_flagged as (
    select
        *,
        case
            when previous_segment_end is null then 1
            when segment_start > {{ add_days('previous_segment_end', 1) }} then 1
            else 0
        end as starts_run
    from with_previous
),

run_numbered as (
    select
        *,
        sum(starts_run) over (
            partition by insz, flow_code, episode_number
            order by segment_start
            rows between unbounded preceding and current row
        ) as run_number,
        coalesce(sum(day_count) over (
            partition by insz, flow_code, episode_number
            order by segment_start
            rows between unbounded preceding and 1 preceding
        ), 0) as episode_days_before,
        -- the same ordering as the two sums above, so one sort serves all three
        sum(day_count) over (
            partition by insz, flow_code, episode_number
            order by segment_start
            rows between unbounded preceding and unbounded following
        ) as episode_days
    from run_flagged
),

-- grouped and joined back rather than windowed over a second partitioning (ADR 0012)
runs as (
    select
        insz,
        flow_code,
        episode_number,
        run_number,
        min(segment_start) as run_start,
        max(segment_end) as run_end,
        sum(day_count) as run_days
    from run_numbered
    group by insz, flow_code, episode_number, run_number
),

final as (
    select
        run_numbered.insz,
        run_numbered.flow_code,
        run_numbered.episode_number,
        run_numbered.run_number,
        run_numbered.segment_start,
        run_numbered.segment_end,
        run_numbered.day_count,
        run_numbered.paid_date,
        run_numbered.decision_id,
        run_numbered.ocmw_nis_code,
        run_numbered.episode_days_before,
        runs.run_start,
        runs.run_end,
        runs.run_days,
        run_numbered.episode_days
    from run_numbered
    inner join runs
        on run_numbered.insz = runs.insz
            and run_numbered.flow_code = runs.flow_code
            and run_numbered.episode_number = runs.episode_number
            and run_numbered.run_number = runs.run_number
)

select * from final
