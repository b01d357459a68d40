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
        ), 0) as episode_days_before
    from run_flagged
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        run_number,
        segment_start,
        segment_end,
        day_count,
        paid_date,
        decision_id,
        ocmw_nis_code,
        episode_days_before,
        min(segment_start) over (partition by insz, flow_code, episode_number, run_number) as run_start,
        max(segment_end) over (partition by insz, flow_code, episode_number, run_number) as run_end,
        sum(day_count) over (partition by insz, flow_code, episode_number, run_number) as run_days,
        sum(day_count) over (partition by insz, flow_code, episode_number) as episode_days
    from run_numbered
)

select * from final
