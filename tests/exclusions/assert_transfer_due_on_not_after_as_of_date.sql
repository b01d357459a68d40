-- RULES.md §6: criterion_met_on <= transfer_due_on <= as_of_date. Nothing is due on a
-- day that has not come yet, and nothing is due before the criterion is met.
select
    insz,
    flow_code,
    criterion_met_on,
    transfer_due_on
from {{ ref('fct_transfer_eligibility') }}
where transfer_due_on > {{ as_of_date_sql() }}
    or transfer_due_on < criterion_met_on
    or transfer_due_on is null
    or criterion_met_on is null
