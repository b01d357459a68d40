-- The timeline loses no reimbursement (RULES.md §3, issue 18): every staged reimbursement is
-- counted in exactly one decision-month of int_classified_decision_months, and every
-- decision-month there is one DECISION_MONTH event of fct_person_timeline. Fails with the
-- totals that differ.
with

staged as (
    select count(*) as total from {{ ref('stg_pod_mi__reimbursements') }}
),

classified as (
    select
        sum(reimbursement_count) as reimbursements,
        count(*) as decision_months
    from {{ ref('int_classified_decision_months') }}
),

timeline as (
    select count(*) as decision_months
    from {{ ref('fct_person_timeline') }}
    where event_type = 'DECISION_MONTH'
),

checks as (
    select
        'staged reimbursements in a decision-month' as check_name,
        coalesce(classified.reimbursements, 0) as counted,
        staged.total as expected
    from staged cross join classified
    union all
    select
        'decision-months on the timeline' as check_name,
        timeline.decision_months as counted,
        classified.decision_months as expected
    from timeline cross join classified
)

select * from checks
where counted <> expected
