{{ config(materialized='view') }}
-- One row per person x flow x episode x month-threshold criterion met in cumulative mode
-- (RULES.md §6): due on the date the Nth counted month of the episode comes to exist (the
-- months taken in the order they come to exist).
with

existence_ranked as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        threshold_value,
        month_exists_on,
        row_number() over (
            partition by insz, flow_code, episode_number, criterion_code
            order by month_exists_on, month_index
        ) as existence_rank
    from {{ ref('int_counted_months_per_criterion') }}
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        'cumulative' as counting_mode,
        month_exists_on as transfer_due_on
    from existence_ranked
    where existence_rank = threshold_value
)

select * from final
