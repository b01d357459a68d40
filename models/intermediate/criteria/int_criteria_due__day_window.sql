{{ config(materialized='view') }}
-- One row per person x flow x episode x day-threshold criterion met in consecutive mode
-- (RULES.md §6): due on the earliest date by which some window of N consecutive counted
-- days all exist - possibly in a later run than the one that met the criterion. A counted
-- day exists from the later of its own day and its paid date, so a window exists once its
-- last day and every paid date in it have come.
with

segments as (
    select * from {{ ref('int_counted_day_runs_per_criterion') }}
    where run_days >= threshold_value
),

-- The cheapest window of N consecutive days starts either at a run's start or the day
-- after a segment ends: elsewhere, moving the window left keeps the same segments (the
-- same latest paid date) and an earlier last day.
window_starts as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        run_number,
        run_end,
        run_start as window_start
    from segments
    union
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        run_number,
        run_end,
        {{ add_days('segment_end', 1) }} as window_start
    from segments
    where {{ add_days('segment_end', 'threshold_value') }} <= run_end
),

windows as (
    select
        *,
        {{ add_days('window_start', 'threshold_value - 1') }} as window_end
    from window_starts
),

window_existence as (
    select
        windows.insz,
        windows.flow_code,
        windows.episode_number,
        windows.criterion_code,
        windows.window_start,
        greatest(windows.window_end, max(segments.paid_date)) as window_exists_on
    from windows
    inner join segments
        on windows.insz = segments.insz
            and windows.flow_code = segments.flow_code
            and windows.episode_number = segments.episode_number
            and windows.criterion_code = segments.criterion_code
            and windows.run_number = segments.run_number
            and windows.window_end >= segments.segment_start
            and windows.window_start <= segments.segment_end
    group by
        windows.insz, windows.flow_code, windows.episode_number, windows.criterion_code,
        windows.window_start, windows.window_end
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        'consecutive' as counting_mode,
        min(window_exists_on) as transfer_due_on
    from window_existence
    group by insz, flow_code, episode_number, criterion_code
)

select * from final
