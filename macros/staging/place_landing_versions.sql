{#- Give every landing row of one source its place (RULES.md §2), in the rule's order:
      1. NOT_YET_EFFECTIVE: recorded after the end of as_of_date;
      2. QUARANTINED with the first reason: the row's own defect (row_defect_reason),
         then CONFLICTING_VERSIONS (same key and recorded_at, different content, among
         the effective rows without an own defect), then the reference defect
         (reference_defect_reason, checked against the parent's current version);
      3. STAGED: per business key, the latest non-quarantined effective row (an exact
         duplicate: the first in the file);
      4. SUPERSEDED: every other row.
    Every step looks only at the rows of one business key. A key with a single landing
    row (nearly all of them: a correction is rare) can have no conflict and no later
    version, so its place follows from the row alone; only the keys with more than one
    row (and the rows without a key) go through the grouping and the ranking. This gives
    the same places as ranking every row, without sorting millions of rows (ADR 0012).
    referenced_relation: the relation (a ref) of every landing row of the source with
      business_key, recorded_at, source_row_number, row_content_hash, row_defect_reason
      and reference_defect_reason, and any other columns, which are passed through: the
      source's stg_<system>__<entity>_references view. It is read three times (the keys
      with several rows, then each path); a view, so the engine plans it inside this
      query rather than writing every landing row once more.
    Returns a select of every column of referenced_relation plus is_not_yet_effective,
    has_conflicting_version, reason_code, is_latest_version and place. The order of the
    reasons and of the places is written once (reason_code, place) for both paths. -#}
{% macro place_landing_versions(referenced_relation) %}
{#- every row, timed, beside its key's entry in keys_with_several_rows (null: a single row) -#}
{%- set timed_rows -%}
    select
        referenced.*,
        coalesce(referenced.recorded_at >= {{ as_of_cutoff_timestamp_sql() }}, false) as is_not_yet_effective
    from {{ referenced_relation }} as referenced
    left join keys_with_several_rows
        on referenced.business_key = keys_with_several_rows.business_key
{%- endset -%}
{#- The rule's order, written once for both paths: the first reason that applies ... -#}
{%- set reason_code -%}
        case
            when is_not_yet_effective then null
            when row_defect_reason is not null then row_defect_reason
            when has_conflicting_version then 'CONFLICTING_VERSIONS'
            else reference_defect_reason
        end
{%- endset -%}
{#- ... and the place that follows from it -#}
{%- set place -%}
        case
            when is_not_yet_effective then 'NOT_YET_EFFECTIVE'
            when reason_code is not null then 'QUARANTINED'
            when is_latest_version then 'STAGED'
            else 'SUPERSEDED'
        end
{%- endset %}
with

keys_with_several_rows as (
    select business_key
    from {{ referenced_relation }}
    where business_key is not null
    group by business_key
    having count(*) > 1
),

-- keys with a single landing row: no conflict and no other version is possible
single_row_key_rows as (
    {{ timed_rows }}
    where referenced.business_key is not null
        and keys_with_several_rows.business_key is null
),

single_row_key_checked as (
    select
        *,
        false as has_conflicting_version
    from single_row_key_rows
),

single_row_key_reasoned as (
    select
        *,
        {{ reason_code }} as reason_code,
        true as is_latest_version
    from single_row_key_checked
),

-- every row of the keys with several rows, and the rows without a key (all quarantined
-- as MISSING_KEY by their base model, or not yet effective)
shared_key_rows as (
    {{ timed_rows }}
    where referenced.business_key is null
        or keys_with_several_rows.business_key is not null
),

conflicting_keys as (
    select
        business_key,
        recorded_at
    from shared_key_rows
    where not is_not_yet_effective and row_defect_reason is null
    group by business_key, recorded_at
    -- more than one distinct hash (hashes are never null), without a distinct aggregate
    having min(row_content_hash) <> max(row_content_hash)
),

shared_key_checked as (
    select
        shared_key_rows.*,
        conflicting_keys.business_key is not null as has_conflicting_version
    from shared_key_rows
    left join conflicting_keys
        on shared_key_rows.business_key = conflicting_keys.business_key
        and shared_key_rows.recorded_at = conflicting_keys.recorded_at
),

shared_key_reasoned as (
    select
        *,
        {{ reason_code }} as reason_code
    from shared_key_checked
),

shared_key_ranked as (
    select
        *,
        -- ranked among the effective, non-quarantined rows of the key only (the place
        -- reads it for those rows alone)
        row_number() over (
            partition by business_key, (not is_not_yet_effective and reason_code is null)
            order by recorded_at desc, source_row_number
        ) = 1 as is_latest_version
    from shared_key_reasoned
),

placed as (
    select * from single_row_key_reasoned
    union all
    select * from shared_key_ranked
)

select
    *,
    {{ place }} as place
from placed
{% endmacro %}
