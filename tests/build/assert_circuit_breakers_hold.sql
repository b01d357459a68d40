-- The circuit breakers hold (README "Circuit breakers", ADR 0014): no landing source is
-- empty, no count shrank beyond circuit_breaker_max_shrink_share of the last good build's,
-- and no source has more than circuit_breaker_max_quarantined_share of its rows
-- quarantined. A tripped breaker stops the build with an error naming the source, the two
-- counts and the var that overrides it, so run.sh keeps the last good warehouse and no
-- batch is published. Returns no row when every breaker holds.
with

tripped as (
    select
        subject,
        tripped_message
    from {{ ref('rpt_circuit_breakers') }}
    where tripped_message is not null
),

summary as (
    select
        count(*) as tripped_subjects,
        {{ listagg_ordered('tripped_message', "''", ['subject']) }} as tripped_messages
    from tripped
)

{%- set preamble = string_literal('Circuit breaker tripped (README "Circuit breakers"): ') %}
{%- set advice = string_literal(
    "If this input is deliberate, rerun with the var named above raised, e.g. --vars '{circuit_breaker_max_shrink_share: 1}'."
) %}

-- The error sits in the filter, which every engine evaluates, not in a column that the
-- count dbt wraps around a test could leave unread.
select tripped_subjects
from summary
where
    case
        when tripped_subjects > 0
            then {{ raise_error_sql(preamble ~ " || tripped_messages || " ~ advice) }} is null
        else false
    end
