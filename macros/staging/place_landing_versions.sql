{#- Give every landing row of one source its place (RULES.md §2), in the rule's order:
      1. NOT_YET_EFFECTIVE: recorded after the end of as_of_date;
      2. QUARANTINED with the first reason: the row's own defect (row_defect_reason),
         then CONFLICTING_VERSIONS (same key and recorded_at, different content, among
         the effective rows without an own defect), then the reference defect
         (reference_defect_reason, checked against the parent's current version);
      3. STAGED: per business key, the latest non-quarantined effective row (an exact
         duplicate: the first in the file);
      4. SUPERSEDED: every other row.
    rows_relation: a CTE or relation with business_key, recorded_at, source_row_number,
    row_content_hash, row_defect_reason and reference_defect_reason.
    Returns a select of every input column plus `place` and `reason_code`.
    Hand it only those narrow columns and join the placement back to the typed rows on
    source_row_number: the window then sorts a few columns, not whole rows (ADR 0012). -#}
{% macro place_landing_versions(rows_relation) %}
with

timed as (
    select
        *,
        coalesce(recorded_at >= {{ as_of_cutoff_timestamp_sql() }}, false) as is_not_yet_effective
    from {{ rows_relation }}
),

conflicting_keys as (
    select
        business_key,
        recorded_at
    from timed
    where not is_not_yet_effective and row_defect_reason is null
    group by business_key, recorded_at
    -- more than one distinct hash (hashes are never null), without a distinct aggregate
    having min(row_content_hash) <> max(row_content_hash)
),

reasoned as (
    select
        timed.*,
        case
            when timed.is_not_yet_effective then null
            when timed.row_defect_reason is not null then timed.row_defect_reason
            when conflicting_keys.business_key is not null then 'CONFLICTING_VERSIONS'
            else timed.reference_defect_reason
        end as reason_code
    from timed
    left join conflicting_keys
        on timed.business_key = conflicting_keys.business_key
        and timed.recorded_at = conflicting_keys.recorded_at
),

ranked as (
    select
        *,
        case
            when not is_not_yet_effective and reason_code is null
                then row_number() over (
                    partition by business_key, (not is_not_yet_effective and reason_code is null)
                    order by recorded_at desc, source_row_number
                )
        end as version_rank
    from reasoned
)

select
    *,
    case
        when is_not_yet_effective then 'NOT_YET_EFFECTIVE'
        when reason_code is not null then 'QUARANTINED'
        when version_rank = 1 then 'STAGED'
        else 'SUPERSEDED'
    end as place
from ranked
{% endmacro %}
