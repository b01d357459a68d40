{{ config(materialized='view') }}
-- One row per person x flow x episode x day-threshold criterion met in cumulative mode
-- (RULES.md §6): due on the date the Nth counted day of the episode comes to exist. A
-- counted day exists from the later of its own day and its paid date.
with

segments as (
    select * from {{ ref('int_counted_day_runs_per_criterion') }}
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

final as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        'cumulative' as counting_mode,
        case
            -- reached on a day between the previous event and this one, on the ramp
            -- (segments never share a day, so at most one ramp runs: one day per day)
            when existing_by_previous_event + existing_between >= threshold_value
                then {{ add_days('previous_event_date', 'threshold_value - existing_by_previous_event') }}
            else event_date
        end as transfer_due_on
    from threshold_crossings
    where crossing_rank = 1
)

select * from final
