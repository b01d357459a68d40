-- One row per quarantined persons or residence_permits landing row that holds a person
-- for data quality (RULES.md §7): it has a business key and a recorded_at, names a valid
-- insz, and no staged row of the same business key was recorded after it. The rows behind
-- int_persons_held_for_data_quality, one by one, so the trace and the timeline can name
-- the file and row an auditor must look at.
with

row_placements as (
    select * from {{ ref('stg_landing__row_placements') }}
    where source in ('persons', 'residence_permits')
),

quarantined as (
    select * from row_placements
    where place = 'QUARANTINED'
        and business_key is not null
        and recorded_at is not null
        and {{ is_valid_insz('insz') }}
),

staged as (
    select
        source,
        business_key,
        recorded_at
    from row_placements
    where place = 'STAGED'
),

final as (
    select
        quarantined.insz,
        quarantined.source,
        quarantined.source_file,
        quarantined.source_row_number,
        quarantined.business_key,
        quarantined.recorded_at,
        quarantined.reason_code
    from quarantined
    left join staged
        on quarantined.source = staged.source
            and quarantined.business_key = staged.business_key
            and quarantined.recorded_at < staged.recorded_at
    where staged.business_key is null
)

select * from final
