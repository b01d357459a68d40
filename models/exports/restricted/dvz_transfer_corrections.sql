-- The corrections of batch M (RULES.md §8a): every delivery key DELIVERED in the ledger of
-- the months before M whose row is no longer TRANSFER as of as_of_date, with the batch
-- month that delivered it and its current transfer_status, or NO_LONGER_MET when no
-- eligibility row has that key any more (e.g. a recovery un-reimbursed the months, or a
-- corrected permit moved the episode). A fact for the DVZ's case-by-case judgement, not
-- an instruction. Written to files by publish_dvz_delivery_files after the whole build
-- passed. Restricted: carries the insz.
with

delivered_keys as (
    select
        insz,
        flow_code,
        episode_start,
        delivered_in_batch
    from {{ ref('int_delivery_ledger_states') }}
    where ledger_state = 'DELIVERED'
),

eligibility as (
    select
        insz,
        flow_code,
        episode_start,
        transfer_status
    from {{ ref('fct_transfer_eligibility') }}
),

final as (
    select
        delivered_keys.insz,
        delivered_keys.flow_code,
        delivered_keys.episode_start,
        delivered_keys.delivered_in_batch,
        coalesce(eligibility.transfer_status, 'NO_LONGER_MET') as current_status
    from delivered_keys
    left join eligibility
        on
            delivered_keys.insz = eligibility.insz
            and delivered_keys.flow_code = eligibility.flow_code
            and delivered_keys.episode_start = eligibility.episode_start
    where eligibility.transfer_status is null or eligibility.transfer_status != 'TRANSFER'
)

select * from final
