-- Deliveries to the DVZ by batch month, for dashboards (RULES.md §8a): the rows of the
-- ledger's earlier batches and of this build's batch, on time or late (with how many
-- months a late row waited: batch month minus the month it fell due), and the corrections
-- by current status. Counted per batch month, flow and kind; pseudonymised: persons are
-- counted by person_key, no person-level column is published.
with

ledger_events as (
    select * from {{ ref('stg_dvz_ledger__delivery_events') }}
),

batch as (
    select * from {{ ref('dvz_transfer_batch') }}
),

corrections as (
    select * from {{ ref('dvz_transfer_corrections') }}
),

-- Every delivery event: the ledger's (months before the batch month) and this build's.
events as (
    select
        cast(batch_month || '-01' as date) as batch_month,
        insz,
        flow_code,
        ledger_event,
        transfer_due_on,
        is_late,
        current_status,
        false as is_current_batch
    from ledger_events
    union all
    select
        {{ export_batch_month_sql() }} as batch_month,
        insz,
        flow_code,
        'DELIVERED' as ledger_event,
        transfer_due_on,
        is_late,
        cast(null as {{ dbt.type_string() }}) as current_status,
        true as is_current_batch
    from batch
    union all
    select
        {{ export_batch_month_sql() }} as batch_month,
        insz,
        flow_code,
        'WITHDRAWN' as ledger_event,
        cast(null as date) as transfer_due_on,
        cast(null as boolean) as is_late,
        current_status,
        true as is_current_batch
    from corrections
),

classified as (
    select
        batch_month,
        {{ person_key('insz') }} as person_key,
        flow_code,
        case
            when ledger_event = 'WITHDRAWN' then 'CORRECTION'
            when is_late then 'LATE'
            else 'ON_TIME'
        end as delivery_kind,
        case
            when ledger_event = 'DELIVERED'
                then {{ month_index('batch_month') }} - {{ month_index('transfer_due_on') }}
        end as months_waited,
        current_status,
        is_current_batch
    from events
),

final as (
    select
        batch_month,
        flow_code,
        delivery_kind,
        months_waited,
        current_status,
        is_current_batch,
        count(*) as delivery_rows,
        count(distinct person_key) as persons,
        {{ as_of_date_sql() }} as as_of_date
    from classified
    group by batch_month, flow_code, delivery_kind, months_waited, current_status, is_current_batch
)

select * from final
