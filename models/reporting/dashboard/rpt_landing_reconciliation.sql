-- One row per landing source: every landing row counted once in the file and once in
-- exactly one place (RULES.md §2). The landing count is read from the files themselves,
-- independently of staging, so a row staging lost or doubled shows as an imbalance.
with

landing_counts as (
    select
        'persons' as source,
        count(*) as landing_rows
    from {{ source('national_register', 'persons') }}
    union all
    select
        'residence_permits' as source,
        count(*) as landing_rows
    from {{ source('national_register', 'residence_permits') }}
    union all
    select
        'aid_decisions' as source,
        count(*) as landing_rows
    from {{ source('pod_mi', 'aid_decisions') }}
    union all
    select
        'reimbursements' as source,
        count(*) as landing_rows
    from {{ source('pod_mi', 'reimbursements') }}
),

row_placements as (
    select * from {{ ref('stg_landing__row_placements') }}
),

place_counts as (
    select
        source,
        count(case when place = 'STAGED' then 1 end) as staged_rows,
        count(case when place = 'SUPERSEDED' then 1 end) as superseded_rows,
        count(case when place = 'NOT_YET_EFFECTIVE' then 1 end) as not_yet_effective_rows,
        count(case when place = 'QUARANTINED' then 1 end) as quarantined_rows
    from row_placements
    group by source
),

final as (
    select
        landing_counts.source,
        {{ as_of_date_sql() }} as as_of_date,
        landing_counts.landing_rows,
        coalesce(place_counts.staged_rows, 0) as staged_rows,
        coalesce(place_counts.superseded_rows, 0) as superseded_rows,
        coalesce(place_counts.not_yet_effective_rows, 0) as not_yet_effective_rows,
        coalesce(place_counts.quarantined_rows, 0) as quarantined_rows
    from landing_counts
    left join place_counts on landing_counts.source = place_counts.source
)

select * from final
