-- How far each person is on the way to each threshold criterion of each flow
-- (RULES.md §5): the best residence episode's counted units in the counting mode that
-- applies (longest run of consecutive units, or all units of the episode when
-- cumulative) as a share of the threshold, and the pipeline band it falls in. The band
-- limits are the vars threshold_pipeline_lower_share and threshold_pipeline_upper_share,
-- and the band labels are derived from them (share_band_label: 0.75 -> at_least_75_pct),
-- so a changed share never leaves a label naming the old one.
-- Reports facts about counted aid, never a recommendation (RULES.md §8).
with

trace as (
    select * from {{ ref('int_transfer_decision_trace') }}
),

threshold_rows as (
    select
        person_key,
        flow_code,
        criterion_code,
        threshold_value,
        threshold_unit,
        is_criterion_met,
        case
            when threshold_unit = 'day' and counting_mode = 'consecutive' then longest_run_counted_days
            when threshold_unit = 'day' then episode_counted_days
            when counting_mode = 'consecutive' then longest_run_counted_months
            else episode_counted_months
        end as counted_units
    from trace
    where criterion_kind = 'threshold'
),

best_episode as (
    select
        person_key,
        flow_code,
        criterion_code,
        threshold_value,
        threshold_unit,
        max(coalesce(counted_units, 0)) as counted_units,
        {{ dbt.bool_or('is_criterion_met') }} as is_threshold_met
    from threshold_rows
    group by person_key, flow_code, criterion_code, threshold_value, threshold_unit
),

final as (
    select
        person_key,
        flow_code,
        criterion_code,
        threshold_value,
        threshold_unit,
        counted_units,
        cast(counted_units as {{ dbt.type_numeric() }}) / threshold_value as share_of_threshold,
        case
            when is_threshold_met then 'threshold_met'
            when counted_units >= {{ share_var('threshold_pipeline_upper_share') }} * threshold_value
                then {{ string_literal(share_band_label('at_least', 'threshold_pipeline_upper_share')) }}
            when counted_units >= {{ share_var('threshold_pipeline_lower_share') }} * threshold_value
                then {{ string_literal(share_band_label('at_least', 'threshold_pipeline_lower_share')) }}
            else {{ string_literal(share_band_label('below', 'threshold_pipeline_lower_share')) }}
        end as progress_band,
        {{ as_of_date_sql() }} as as_of_date
    from best_episode
)

select * from final
