{{ config(materialized='view') }}
-- One row per person x flow x episode x prior-aid criterion (LEEFLOON_AFTER_ANNEX19_AID)
-- x counting mode in which the criterion is met (RULES.md §5): met on the first counted
-- leefloon day L of the episode with an earlier day A (any time before, in any episode)
-- counting for the criterion's prior-aid flow (listed under each counting mode, which
-- does not change it).
with

eligible_segments as (
    select * from {{ ref('int_leefloon_segments_after_prior_aid') }}
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        counting_mode,
        min(first_eligible_day) as criterion_met_on
    from eligible_segments
    group by insz, flow_code, episode_number, criterion_code, counting_mode
)

select * from final
