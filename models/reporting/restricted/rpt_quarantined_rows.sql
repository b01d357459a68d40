-- One row per quarantined landing row with its first reason (RULES.md §2). Restricted:
-- a person's business key is the insz (RULES.md §8); dashboards read aggregates.
with

row_placements as (
    select * from {{ ref('stg_landing__row_placements') }}
),

final as (
    select
        source,
        source_row_number,
        business_key,
        reason_code,
        source_file,
        recorded_at,
        {{ as_of_date_sql() }} as as_of_date
    from row_placements
    where place = 'QUARANTINED'
)

select * from final
