-- One row per person x flow x episode x counted month (RULES.md §5): a calendar month
-- with at least one counted day in the episode (a month split between two episodes
-- counts in each). A month exists from the earliest, over its counted days, of the later
-- of the day and its paid date (RULES.md §6). Months are placed in runs of consecutive
-- calendar months (consecutive mode) and numbered within the episode (cumulative mode).
with

segments as (
    select * from {{ ref('int_counted_day_segments') }}
),

months as (
    select
        insz,
        flow_code,
        episode_number,
        {{ month_start('segment_start') }} as counted_month,
        min(segment_start) as first_counted_day,
        min(greatest(segment_start, paid_date)) as month_exists_on,
        sum(day_count) as counted_days_in_month
    from segments
    group by insz, flow_code, episode_number, {{ month_start('segment_start') }}
),

indexed as (
    select
        *,
        {{ month_index('counted_month') }} as month_index
    from months
),

run_numbered as (
    {{ number_runs('indexed', ['insz', 'flow_code', 'episode_number'], 'month_index', 'month_index', unit='integer') }}
),

with_episode_positions as (
    select
        *,
        -- the ordering of number_runs, so one sort serves the run numbering and both windows
        row_number() over (
            partition by insz, flow_code, episode_number order by month_index
        ) as episode_month_position,
        count(*) over (
            partition by insz, flow_code, episode_number
            order by month_index
            rows between unbounded preceding and unbounded following
        ) as episode_months
    from run_numbered
),

-- A run's months are consecutive in the episode's order, so a month's place in its run
-- follows from the place of the run's first month (grouped, not windowed, ADR 0012).
runs as (
    select
        insz,
        flow_code,
        episode_number,
        run_number,
        min(episode_month_position) as first_episode_month_position,
        count(*) as run_months
    from with_episode_positions
    group by insz, flow_code, episode_number, run_number
),

run_placed as (
    select
        with_episode_positions.*,
        runs.run_months,
        with_episode_positions.episode_month_position - runs.first_episode_month_position + 1 as run_month_position
    from with_episode_positions
    inner join runs
        on with_episode_positions.insz = runs.insz
            and with_episode_positions.flow_code = runs.flow_code
            and with_episode_positions.episode_number = runs.episode_number
            and with_episode_positions.run_number = runs.run_number
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        run_number,
        counted_month,
        month_index,
        first_counted_day,
        month_exists_on,
        counted_days_in_month,
        episode_month_position,
        run_month_position,
        run_months,
        episode_months
    from run_placed
)

select * from final
