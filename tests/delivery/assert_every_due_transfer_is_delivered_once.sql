-- RULES.md §8a: every row the note requires to be transferred goes out, once. Each
-- TRANSFER row due by the last day of the batch month must be DELIVERED in the ledger of
-- earlier months or in this batch, never both and never neither; and the batch holds no
-- row that is not such a row. Re-derived from the final models, not from the batch's own
-- SQL. Fails with every offending key and what is wrong with it.
with

due_transfers as (
    select
        insz,
        flow_code,
        episode_start
    from {{ ref('fct_transfer_eligibility') }}
    where
        transfer_status = 'TRANSFER'
        and transfer_due_on <= {{ month_end(export_batch_month_sql()) }}
),

delivered_before as (
    select
        insz,
        flow_code,
        episode_start
    from {{ ref('int_delivery_ledger_states') }}
    where ledger_state = 'DELIVERED'
),

batch as (
    select
        insz,
        flow_code,
        episode_start
    from {{ ref('dvz_transfer_batch') }}
),

checked as (
    select
        coalesce(due_transfers.insz, batch.insz) as insz,
        coalesce(due_transfers.flow_code, batch.flow_code) as flow_code,
        coalesce(due_transfers.episode_start, batch.episode_start) as episode_start,
        case
            when due_transfers.insz is null then 'in the batch but not a TRANSFER row due by the month end'
            when batch.insz is null and delivered_before.insz is null then 'due and never delivered: lost'
            when batch.insz is not null and delivered_before.insz is not null then 'delivered twice'
        end as problem
    from due_transfers
    full outer join batch
        on
            due_transfers.insz = batch.insz
            and due_transfers.flow_code = batch.flow_code
            and due_transfers.episode_start = batch.episode_start
    left join delivered_before
        on
            coalesce(due_transfers.insz, batch.insz) = delivered_before.insz
            and coalesce(due_transfers.flow_code, batch.flow_code) = delivered_before.flow_code
            and coalesce(due_transfers.episode_start, batch.episode_start) = delivered_before.episode_start
)

select * from checked
where problem is not null
