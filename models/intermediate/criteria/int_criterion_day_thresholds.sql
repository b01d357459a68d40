-- One row per person x flow x episode x day-threshold criterion (LEEFLOON_90_DAYS) x
-- counting mode in which the criterion is met as of as_of_date (RULES.md §5-6), both
-- modes evaluated so the trace can show each:
--   consecutive: met on the Nth day of the first run of N consecutive counted days; due
--     on the earliest date by which some N consecutive counted days all exist;
--   cumulative: met on the Nth counted day of the episode; due on the date the Nth
--     counted day comes to exist.
-- A counted day exists from the later of its own day and its paid date (RULES.md §6).
with

criteria as (
    select
        flow_code,
        criterion_code,
        threshold_value
    from {{ ref('int_rules__criteria_in_force') }}
    where criterion_kind = 'threshold' and threshold_unit = 'day'
),

runs as (
    select * from {{ ref('int_counted_day_runs') }}
),

segments as (
    select
        runs.*,
        criteria.criterion_code,
        criteria.threshold_value
    from runs
    inner join criteria on runs.flow_code = criteria.flow_code
),

-- consecutive mode ---------------------------------------------------------------

consecutive_met as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        min(run_start) as met_run_start
    from segments
    where run_days >= threshold_value
    group by insz, flow_code, episode_number, criterion_code, threshold_value
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
    where run_days >= threshold_value
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
    where run_days >= threshold_value
        and {{ add_days('segment_end', 'threshold_value') }} <= run_end
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
        -- the window exists once its last day and every paid date in it have come
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

consecutive_due as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        min(window_exists_on) as transfer_due_on
    from window_existence
    group by insz, flow_code, episode_number, criterion_code
),

consecutive as (
    select
        consecutive_met.insz,
        consecutive_met.flow_code,
        consecutive_met.episode_number,
        consecutive_met.criterion_code,
        'consecutive' as counting_mode,
        {{ add_days('consecutive_met.met_run_start', 'consecutive_met.threshold_value - 1') }}
            as criterion_met_on,
        consecutive_due.transfer_due_on
    from consecutive_met
    inner join consecutive_due
        on consecutive_met.insz = consecutive_due.insz
            and consecutive_met.flow_code = consecutive_due.flow_code
            and consecutive_met.episode_number = consecutive_due.episode_number
            and consecutive_met.criterion_code = consecutive_due.criterion_code
),

-- cumulative mode ----------------------------------------------------------------

cumulative_met as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        {{ add_days('segment_start', 'threshold_value - episode_days_before - 1') }} as criterion_met_on
    from segments
    where episode_days_before < threshold_value
        and episode_days_before + day_count >= threshold_value
),

-- When does the Nth counted day come to exist? Split each segment into the days paid
-- late (up to its paid date: they all exist on the paid date, a jump) and the days paid
-- in advance (each exists on its own day, a ramp of one day per day), then sweep the
-- dates in order, counting existing days, until the count reaches N.
existence_events as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        paid_date as event_date,
        {{ days_between('segment_start', 'least(segment_end, paid_date)') }} + 1 as jump,
        0 as ramp_change
    from segments
    where paid_date >= segment_start
    union all
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        greatest(segment_start, {{ add_days('paid_date', 1) }}) as event_date,
        0 as jump,
        1 as ramp_change
    from segments
    where paid_date < segment_end
    union all
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        {{ add_days('segment_end', 1) }} as event_date,
        0 as jump,
        -1 as ramp_change
    from segments
    where paid_date < segment_end
),

events_by_date as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        event_date,
        sum(jump) as jump,
        sum(ramp_change) as ramp_change
    from existence_events
    group by insz, flow_code, episode_number, criterion_code, threshold_value, event_date
),

ramps_active as (
    select
        *,
        sum(ramp_change) over (
            partition by insz, flow_code, episode_number, criterion_code
            order by event_date rows between unbounded preceding and current row
        ) as active_ramps
    from events_by_date
),

with_previous_event as (
    select
        *,
        lag(event_date) over (
            partition by insz, flow_code, episode_number, criterion_code order by event_date
        ) as previous_event_date,
        coalesce(lag(active_ramps) over (
            partition by insz, flow_code, episode_number, criterion_code order by event_date
        ), 0) as previous_active_ramps
    from ramps_active
),

existing_counts as (
    select
        *,
        -- days coming to exist strictly between the previous event and this one
        case
            when previous_event_date is null then 0
            else previous_active_ramps * ({{ days_between('previous_event_date', 'event_date') }} - 1)
        end as existing_between,
        -- days coming to exist on this event's date
        jump + active_ramps as existing_on_date
    from with_previous_event
),

existing_cumulated as (
    select
        *,
        sum(existing_between + existing_on_date) over (
            partition by insz, flow_code, episode_number, criterion_code
            order by event_date rows between unbounded preceding and current row
        ) as existing_by_date
    from existing_counts
),

threshold_crossings as (
    select
        *,
        existing_by_date - existing_between - existing_on_date as existing_by_previous_event,
        row_number() over (
            partition by insz, flow_code, episode_number, criterion_code order by event_date
        ) as crossing_rank
    from existing_cumulated
    where existing_by_date >= threshold_value
),

cumulative_due as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        case
            -- reached on a day between the previous event and this one, on the ramp
            -- (segments never share a day, so at most one ramp runs: one day per day)
            when existing_by_previous_event + existing_between >= threshold_value
                then {{ add_days('previous_event_date', 'threshold_value - existing_by_previous_event') }}
            else event_date
        end as transfer_due_on
    from threshold_crossings
    where crossing_rank = 1
),

cumulative as (
    select
        cumulative_met.insz,
        cumulative_met.flow_code,
        cumulative_met.episode_number,
        cumulative_met.criterion_code,
        'cumulative' as counting_mode,
        cumulative_met.criterion_met_on,
        cumulative_due.transfer_due_on
    from cumulative_met
    inner join cumulative_due
        on cumulative_met.insz = cumulative_due.insz
            and cumulative_met.flow_code = cumulative_due.flow_code
            and cumulative_met.episode_number = cumulative_due.episode_number
            and cumulative_met.criterion_code = cumulative_due.criterion_code
),

final as (
    select * from consecutive
    union all
    select * from cumulative
)

select * from final
