-- The final model (CONTRACT.md §3): one row per person x flow x residence episode in
-- which the flow's criterion is met as of as_of_date, with the transfer date and the
-- status RULES.md §4-7 give it. Restricted: carries the insz (RULES.md §8).
with

statuses as (
    select * from {{ ref('int_transfer_eligibility_statuses') }}
),

final as (
    select
        insz,
        {{ person_key('insz') }} as person_key,
        flow_code,
        criterion_code,
        episode_start,
        episode_end,
        criterion_met_on,
        transfer_due_on,
        transfer_status,
        cast(counted_days as integer) as counted_days,
        cast(counted_months as integer) as counted_months,
        ocmw_nis_code,
        legal_reference,
        counting_mode,
        decision_id as criterion_decision_id,
        catalogue_valid_from,
        {{ as_of_date_sql() }} as as_of_date
    from statuses
)

select * from final
