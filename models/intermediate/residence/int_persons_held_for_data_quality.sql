-- One row per person held for data quality (RULES.md §7): a quarantined persons or
-- residence_permits row with a business key and a recorded_at names their valid insz, and
-- no staged row of the same business key was recorded after it
-- (int_unrepaired_quarantined_rows). A broken record that might have excluded them must
-- be repaired first.
with

unrepaired as (
    select * from {{ ref('int_unrepaired_quarantined_rows') }}
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
