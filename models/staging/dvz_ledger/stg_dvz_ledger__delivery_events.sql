-- The delivery ledger as it stood before the batch month (RULES.md §8a): one row per row
-- of the batch files (DELIVERED) and correction files (WITHDRAWN) of the months before
-- export_batch_month in DVZ_EXPORT_DIR, each file checked against its manifest first
-- (read_dvz_ledger, dvz_ledger_files). An empty folder gives no rows.
with

ledger_rows as (
    {{ read_dvz_ledger() }}
),

final as (
    select
        insz,
        flow_code,
        episode_start,
        ledger_event,
        batch_month,
        transfer_due_on,
        is_late,
        delivered_in_batch,
        current_status,
        source_file,
        cast(source_row_number as {{ dbt.type_bigint() }}) as source_row_number
    from ledger_rows
)

select * from final
