-- The counted-day segments of each person x flow x episode placed in sequence: the run
-- of consecutive counted days each belongs to (consecutive mode, RULES.md §5) and how
-- many counted days of the episode and of the run come before it (cumulative counts).
with

segments as (
    select * from {{ ref('int_counted_day_segments') }}
),

run_numbered as (
    {{ number_runs('segments', ['insz', 'flow_code', 'episode_number'], 'segment_start', 'segment_end') }}
),

with_episode_days as (
    select
        *,
        coalesce(sum(day_count) over (
            partition by insz, flow_code, episode_number
            order by segment_start, segment_end
            rows between unbounded preceding and 1 preceding
        ), 0) as episode_days_before,
        -- the ordering of number_runs, so one sort serves the run numbering and both sums
        sum(day_count) over (
            partition by insz, flow_code, episode_number
            order by segment_start, segment_end
            rows between unbounded preceding and unbounded following
        ) as episode_days
    from run_numbered
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
    from with_episode_days
    group by insz, flow_code, episode_number, run_number
),

final as (
    select
        with_episode_days.insz,
        with_episode_days.flow_code,
        with_episode_days.episode_number,
        with_episode_days.run_number,
        with_episode_days.segment_start,
        with_episode_days.segment_end,
        with_episode_days.day_count,
        with_episode_days.paid_date,
        with_episode_days.decision_id,
        with_episode_days.ocmw_nis_code,
        with_episode_days.episode_days_before,
        runs.run_start,
        runs.run_end,
        runs.run_days,
        with_episode_days.episode_days
    from with_episode_days
    inner join runs
        on with_episode_days.insz = runs.insz
            and with_episode_days.flow_code = runs.flow_code
            and with_episode_days.episode_number = runs.episode_number
            and with_episode_days.run_number = runs.run_number
)

select * from final
