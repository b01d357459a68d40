-- One row per staged GRANTED decision with its aid days as a period (RULES.md §3): from
-- period_start to period_end, an open end and every day after as_of_date cut at
-- as_of_date (RULES.md §1). A decision whose aid has not started has no aid days.
with

decisions as (
    select * from {{ ref('stg_pod_mi__aid_decisions') }}
),

granted as (
    select
        decision_id,
        insz,
        ocmw_nis_code,
        legal_scheme,
        aid_form,
        benefit_type,
        period_start,
        period_end,
        period_start as aid_start,
        {{ end_clipped_to_as_of_date('period_end') }} as aid_end
    from decisions
    -- RULES.md §2: a WITHDRAWN decision grants no aid days.
    where status = 'GRANTED'
),

final as (
    select
        *,
        aid_start <= aid_end as has_aid_days
    from granted
)

select * from final
