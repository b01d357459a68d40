{{ config(materialized='view') }}
-- One row per person x flow x episode x prior-aid criterion (LEEFLOON_AFTER_ANNEX19_AID)
-- x counting mode in which the criterion is met (RULES.md §5): met on the first counted
-- leefloon day L of the episode with an earlier day A (any time before, in any episode)
-- counting for the criterion's prior-aid flow. Counting modes do not change this
-- criterion; it is listed under both for a uniform evaluation.
with

eligible_segments as (
    select * from {{ ref('int_leefloon_segments_after_prior_aid') }}
),

met as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        min(first_eligible_day) as criterion_met_on
    from eligible_segments
    group by insz, flow_code, episode_number, criterion_code
),

counting_modes as (
    select code as counting_mode
    from {{ ref('ref_code_lists') }}
    where code_list = 'counting_mode'
),

final as (
    select
        met.insz,
        met.flow_code,
        met.episode_number,
        met.criterion_code,
        counting_modes.counting_mode,
        met.criterion_met_on
    from met
    cross join counting_modes
)

select * from final
