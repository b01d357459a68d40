-- Each delivery key's ledger state before the batch month (RULES.md §8a): its last event
-- in the files of earlier months, DELIVERED or WITHDRAWN, and the batch month of its
-- last delivery. A key with no event was never delivered and has no row here.
with

ledger_events as (
    select * from {{ ref('stg_dvz_ledger__delivery_events') }}
),

ranked_events as (
    select
        insz,
        flow_code,
        episode_start,
        ledger_event,
        batch_month,
        row_number() over (
            partition by insz, flow_code, episode_start
            order by batch_month desc
        ) as recency
    from ledger_events
),

last_deliveries as (
    select
        insz,
        flow_code,
        episode_start,
        max(batch_month) as delivered_in_batch
    from ledger_events
    where ledger_event = 'DELIVERED'
    group by insz, flow_code, episode_start
),

final as (
    select
        ranked_events.insz,
        ranked_events.flow_code,
        ranked_events.episode_start,
        ranked_events.ledger_event as ledger_state,
        ranked_events.batch_month as last_event_month,
        last_deliveries.delivered_in_batch
    from ranked_events
    left join last_deliveries
        on
            ranked_events.insz = last_deliveries.insz
            and ranked_events.flow_code = last_deliveries.flow_code
            and ranked_events.episode_start = last_deliveries.episode_start
    where ranked_events.recency = 1
)

select * from final
