-- One row per person held for data quality (RULES.md §7): a quarantined persons or
-- residence_permits row with a business key and a recorded_at names their valid insz,
-- and no staged row of the same business key was recorded after it. A broken record that
-- might have excluded them must be repaired first.
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

unrepaired as (
    select quarantined.*
    from quarantined
    left join staged
        on quarantined.source = staged.source
            and quarantined.business_key = staged.business_key
            and quarantined.recorded_at < staged.recorded_at
    where staged.business_key is null
),

final as (
    select
        insz,
        count(*) as unrepaired_row_count,
        min(recorded_at) as first_unrepaired_recorded_at,
        {{ listagg_ordered(
            measure="source || ':' || cast(source_row_number as " ~ dbt.type_string() ~ ") || ':' || reason_code",
            delimiter_text="', '",
            order_by_columns=['source', 'source_row_number']
        ) }}
            as unrepaired_rows
    from unrepaired
    group by insz
)

select * from final
