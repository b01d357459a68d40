-- The threshold pipeline for dashboards: persons per flow, threshold criterion and
-- progress band (fct_threshold_progress), so a dashboard shows who is at the lower or upper
-- share (by default 50 % and 75 %) of their flow's threshold without reading person-level rows.
with

progress as (
    select * from {{ ref('fct_threshold_progress') }}
),

final as (
    select
        flow_code,
        criterion_code,
        threshold_value,
        threshold_unit,
        progress_band,
        count(*) as persons,
        {{ as_of_date_sql() }} as as_of_date
    from progress
    group by flow_code, criterion_code, threshold_value, threshold_unit, progress_band
)

select * from final
