-- RULES.md §8a: the corrections of the batch month are exactly the keys DELIVERED in the
-- ledger of earlier months whose row is no longer TRANSFER, each with its current status
-- (NO_LONGER_MET when no eligibility row has the key). Re-derived from the final models.
-- Fails with every key missing from the corrections, or present without reason, or
-- carrying another status.
with

expected as (
    select
        delivered.insz,
        delivered.flow_code,
        delivered.episode_start,
        coalesce(eligibility.transfer_status, 'NO_LONGER_MET') as current_status
    from {{ ref('int_delivery_ledger_states') }} as delivered
    left join {{ ref('fct_transfer_eligibility') }} as eligibility
        on
            delivered.insz = eligibility.insz
            and delivered.flow_code = eligibility.flow_code
            and delivered.episode_start = eligibility.episode_start
    where
        delivered.ledger_state = 'DELIVERED'
        and coalesce(eligibility.transfer_status, 'NO_LONGER_MET') != 'TRANSFER'
),

corrections as (
    select
        insz,
        flow_code,
        episode_start,
        current_status
    from {{ ref('dvz_transfer_corrections') }}
)

select
    expected.current_status as expected_status,
    corrections.current_status as corrected_status,
    coalesce(expected.insz, corrections.insz) as insz,
    coalesce(expected.flow_code, corrections.flow_code) as flow_code,
    coalesce(expected.episode_start, corrections.episode_start) as episode_start
from expected
full outer join corrections
    on
        expected.insz = corrections.insz
        and expected.flow_code = corrections.flow_code
        and expected.episode_start = corrections.episode_start
where
    expected.insz is null
    or corrections.insz is null
    or expected.current_status != corrections.current_status
