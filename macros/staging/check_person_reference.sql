{#- Every landing row of one source with its reference defect when the row names a person
    (RULES.md §2, "then references, against the current staged version of the parent"):
    UNKNOWN_PERSON when its insz has no staged person, null otherwise; checked for every
    row, whatever its own defect (the placement orders the reasons). The one check of the
    residence permits and the aid decisions (stg_*_references).
    landed_relation: the source's base model (a ref), with an insz column.
    persons_relation: the staged persons (ref('stg_national_register__persons')).
    Returns a select of every column of landed_relation plus reference_defect_reason. -#}
{% macro check_person_reference(landed_relation, persons_relation) %}
with

landed as (
    select * from {{ landed_relation }}
),

persons as (
    select * from {{ persons_relation }}
),

referenced as (
    select
        landed.*,
        case when persons.insz is null then 'UNKNOWN_PERSON' end as reference_defect_reason
    from landed
    left join persons
        on landed.insz = persons.insz
)

select * from referenced
{% endmacro %}
