{{ config(materialized='view') }}
-- The counted months with their runs (int_counted_months), once per month-threshold
-- criterion of their flow (SOCIAL_ASSISTANCE_4_MONTHS, ANNEX19_SOCIAL_ASSISTANCE,
-- REUNIFICATION_APPLICANT_AID; RULES.md §5) with its threshold N: the one
-- input of the month criteria's met and due models.
with

criteria as (
    select
        flow_code,
        criterion_code,
        threshold_value
    from {{ ref('int_rules__criteria_in_force') }}
    where criterion_kind = 'threshold' and threshold_unit = 'month'
),

final as (
    select
        months.insz,
        months.flow_code,
        months.episode_number,
        months.run_number,
        months.counted_month,
        months.month_index,
        months.first_counted_day,
        months.month_exists_on,
        months.counted_days_in_month,
        months.episode_month_position,
        months.run_month_position,
        months.run_months,
        months.episode_months,
        criteria.criterion_code,
        criteria.threshold_value
    from {{ ref('int_counted_months') }} as months
    inner join criteria on months.flow_code = criteria.flow_code
)

select * from final
