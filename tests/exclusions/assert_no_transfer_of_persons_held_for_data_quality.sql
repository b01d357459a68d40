-- RULES.md §7.3: a person named (by a valid insz) in a quarantined persons or
-- residence_permits row with a business key and a recorded_at, not repaired by a later
-- staged version of the same business key, is never transferred (fail-safe hold).
-- Re-derived from the row placements, not from the hold model.
with

quarantined as (
    select * from {{ ref('stg_landing__row_placements') }}
    where source in ('persons', 'residence_permits')
        and place = 'QUARANTINED'
        and business_key is not null
        and recorded_at is not null
        and {{ is_valid_insz('insz') }}
),

repaired as (
    select
        quarantined.source,
        quarantined.source_row_number
    from quarantined
    inner join {{ ref('stg_landing__row_placements') }} as later_staged
        on quarantined.source = later_staged.source
            and quarantined.business_key = later_staged.business_key
            and later_staged.place = 'STAGED'
            and quarantined.recorded_at < later_staged.recorded_at
)

select
    eligibility.insz,
    eligibility.flow_code,
    quarantined.source,
    quarantined.source_row_number,
    quarantined.reason_code
from {{ ref('fct_transfer_eligibility') }} as eligibility
inner join quarantined on eligibility.insz = quarantined.insz
left join repaired
    on quarantined.source = repaired.source
        and quarantined.source_row_number = repaired.source_row_number
where eligibility.transfer_status = 'TRANSFER'
    and repaired.source is null
