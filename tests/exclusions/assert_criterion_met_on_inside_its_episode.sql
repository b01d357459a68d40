-- RULES.md §4-5: counted days fall inside an episode, so the aid day that completes a
-- criterion lies between episode_start and episode_end (an open episode ends on
-- as_of_date).
select
    insz,
    flow_code,
    episode_start,
    episode_end,
    criterion_met_on
from {{ ref('fct_transfer_eligibility') }}
where criterion_met_on < episode_start
    or criterion_met_on > coalesce(episode_end, {{ as_of_date_sql() }})
