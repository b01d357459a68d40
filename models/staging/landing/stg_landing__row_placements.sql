-- One row per landing row of every source with its place and reason (RULES.md §2): the
-- common ground of the reconciliation, the quarantine report and the data-quality hold.
with

person_versions as (
    select * from {{ ref('stg_national_register__person_versions') }}
),

permit_versions as (
    select * from {{ ref('stg_national_register__residence_permit_versions') }}
),

decision_versions as (
    select * from {{ ref('stg_pod_mi__aid_decision_versions') }}
),

reimbursement_versions as (
    select * from {{ ref('stg_pod_mi__reimbursement_versions') }}
),

unioned as (
    {% for versions in ['person_versions', 'permit_versions', 'decision_versions', 'reimbursement_versions'] %}
        select
            source,
            source_file,
            source_row_number,
            business_key,
            insz,
            recorded_at,
            place,
            reason_code
        from {{ versions }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unioned
