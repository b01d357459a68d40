-- The per-person benefit-duration mart (CONTRACT.md §3, RULES.md §9), published for
-- dashboards: one row per person x benefit type, person_key only.
with

durations as (
    select * from {{ ref('int_person_benefit_durations') }}
),

final as (
    select
        person_key,
        benefit_type,
        aid_days,
        reimbursed_days,
        reimbursed_months,
        reimbursed_amount_eur,
        first_aid_day,
        last_aid_day,
        as_of_date
    from durations
)

select * from final
