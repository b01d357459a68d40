-- The circuit breakers of a build (README "Circuit breakers", ADR 0014): what trusted
-- pipelines check before they publish. Each landing source's rows and the TRANSFER rows of
-- this build are compared with the last good build's (copied by the on-run-start hook
-- load_circuit_breaker_baseline): a landing source that is empty, a count that shrank by
-- more than circuit_breaker_max_shrink_share, or a source with more than
-- circuit_breaker_max_quarantined_share of its rows quarantined trips a breaker, and the
-- test assert_circuit_breakers_hold stops the build with tripped_message. A first build (no
-- last good build) checks emptiness only.
{%- set max_shrink = share_var('circuit_breaker_max_shrink_share') %}
{%- set max_quarantined = share_var('circuit_breaker_max_quarantined_share') %}
{%- set max_shrink_text = (max_shrink * 100) | round | int ~ ' %' %}
{%- set max_quarantined_text = (max_quarantined * 100) | round | int ~ ' %' %}
with

reconciliation as (
    select * from {{ ref('rpt_landing_reconciliation') }}
),

eligibility as (
    select * from {{ ref('fct_transfer_eligibility') }}
),

last_good as (
    {{ circuit_breaker_baseline_sql() }}
),

current_counts as (
    select
        source as subject,
        landing_rows as row_count,
        landing_rows - not_yet_effective_rows as effective_rows,
        quarantined_rows
    from reconciliation
    union all
    select
        'transfer_rows' as subject,
        count(*) as row_count,
        cast(null as {{ dbt.type_bigint() }}) as effective_rows,
        cast(null as {{ dbt.type_bigint() }}) as quarantined_rows
    from eligibility
    where transfer_status = 'TRANSFER'
),

last_good_builds as (
    select count(*) > 0 as has_last_good_build from last_good
),

compared as (
    select
        current_counts.subject,
        current_counts.row_count,
        current_counts.effective_rows,
        current_counts.quarantined_rows,
        last_good_builds.has_last_good_build,
        last_good.as_of_date as last_good_as_of_date,
        last_good.row_count as last_good_row_count,
        last_good.effective_rows as last_good_effective_rows,
        last_good.quarantined_rows as last_good_quarantined_rows,
        current_counts.subject <> 'transfer_rows' as is_landing_source,
        case when last_good.row_count > 0
                then cast(last_good.row_count - current_counts.row_count as {{ dbt.type_numeric() }})
                    / last_good.row_count
        end as shrink_share,
        case when current_counts.effective_rows > 0
                then cast(current_counts.quarantined_rows as {{ dbt.type_numeric() }}) / current_counts.effective_rows
        end as quarantined_share
    from current_counts
    cross join last_good_builds
    left join last_good on current_counts.subject = last_good.subject
),

-- An empty landing source is a 100 % shrink, with or without a last good build; the
-- quarantined share is judged only against a last good build (a first build checks
-- emptiness only).
judged as (
    select
        *,
        case
            when is_landing_source and row_count = 0 then {{ max_shrink }} < 1
            else coalesce(shrink_share > {{ max_shrink }}, false)
        end as is_row_count_tripped,
        is_landing_source or shrink_share is not null as is_row_count_checked,
        coalesce(has_last_good_build and quarantined_share > {{ max_quarantined }}, false)
            as is_quarantined_share_tripped,
        is_landing_source and has_last_good_build and quarantined_share is not null
            as is_quarantined_share_checked,
        case when last_good_row_count is null then 'no last good build'
            else 'the last good build, as of ' || cast(last_good_as_of_date as {{ dbt.type_string() }})
                || ', had ' || cast(last_good_row_count as {{ dbt.type_string() }})
        end as last_good_text
    from compared
),

final as (
    select
        subject,
        {{ as_of_date_sql() }} as as_of_date,
        row_count,
        effective_rows,
        quarantined_rows,
        last_good_as_of_date,
        last_good_row_count,
        last_good_effective_rows,
        last_good_quarantined_rows,
        shrink_share,
        quarantined_share,
        case
            when is_row_count_tripped then 'TRIPPED'
            when is_row_count_checked then 'PASS'
            else 'NOT_CHECKED'
        end as row_count_breaker,
        case
            when is_quarantined_share_tripped then 'TRIPPED'
            when is_quarantined_share_checked then 'PASS'
            else 'NOT_CHECKED'
        end as quarantined_share_breaker,
        nullif(concat_ws(
            '',
            case when is_row_count_tripped and is_landing_source and row_count = 0
                    then subject || ': the landing file has no row (' || last_good_text || '), and an empty '
                        || 'source stops the build unless circuit_breaker_max_shrink_share is 1. '
            end,
            case when is_row_count_tripped and not (is_landing_source and row_count = 0)
                    then subject || ': ' || cast(row_count as {{ dbt.type_string() }})
                        || case when is_landing_source then ' landing rows, ' else ' TRANSFER rows, ' end
                        || last_good_text || ': ' || {{ percent_text('shrink_share') }}
                        || ' fewer, more than circuit_breaker_max_shrink_share ({{ max_shrink_text }}). '
            end,
            case when is_quarantined_share_tripped
                    then subject || ': ' || cast(quarantined_rows as {{ dbt.type_string() }}) || ' of '
                        || cast(effective_rows as {{ dbt.type_string() }}) || ' rows quarantined ('
                        || {{ percent_text('quarantined_share') }} || '; the last good build: '
                        || coalesce(cast(last_good_quarantined_rows as {{ dbt.type_string() }}), 'none') || ' of '
                        || coalesce(cast(last_good_effective_rows as {{ dbt.type_string() }}), 'none')
                        || '), more than circuit_breaker_max_quarantined_share ({{ max_quarantined_text }}). '
            end
        ), '') as tripped_message
    from judged
)

select * from final
