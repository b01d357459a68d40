-- Every row of residence_permits.<format>: provenance, normalised and typed values, and
-- the first row-level defect of RULES.md §2 (checks that need other rows come later).
with

landing as (
    select * from {{ source('national_register', 'residence_permits') }}
),

document_types as (
    select document_type from {{ ref('ref_document_types') }}
),

residence_grounds as (
    select residence_ground from {{ ref('ref_residence_grounds') }}
),

registers as (
    select code as register from {{ ref('ref_code_lists') }}
    where code_list = 'register'
),

numbered as (
    select
        {{ string_literal(landing_file_name("residence_permits")) }} as source_file,
        {{ landing_row_number() }} as source_row_number,
        permit_id as permit_id_landed,
        insz as insz_landed,
        document_type as document_type_landed,
        residence_ground as residence_ground_landed,
        register as register_landed,
        valid_from as valid_from_landed,
        valid_to as valid_to_landed,
        recorded_at as recorded_at_landed
    from landing
),

normalised as (
    select
        source_file,
        source_row_number,
        {{ normalise_text('permit_id_landed') }} as permit_id,
        {{ normalise_insz('insz_landed') }} as insz,
        {{ normalise_code('document_type_landed') }} as document_type,
        {{ normalise_code('residence_ground_landed') }} as residence_ground,
        {{ normalise_code('register_landed') }} as register,
        {{ parse_landing_value('valid_from_landed', 'date', 'residence_permits') }} as valid_from,
        {{ parse_landing_value('valid_to_landed', 'date', 'residence_permits') }} as valid_to,
        {{ parse_landing_value('recorded_at_landed', 'timestamp', 'residence_permits') }} as recorded_at
    from numbered
),

checked as (
    select
        normalised.*,
        normalised.permit_id as business_key,
        case
            when normalised.permit_id is null or normalised.insz is null then 'MISSING_KEY'
            when not {{ is_valid_insz('normalised.insz') }} then 'INVALID_INSZ'
            when normalised.document_type is null
                or normalised.residence_ground is null
                or normalised.register is null
                or normalised.valid_from is null
                or normalised.recorded_at is null
                then 'MISSING_VALUE'
            when document_types.document_type is null
                or residence_grounds.residence_ground is null
                or registers.register is null
                then 'UNKNOWN_CODE'
            when normalised.valid_to < normalised.valid_from then 'END_BEFORE_START'
        end as row_defect_reason,
        {{ row_content_hash(['normalised.permit_id', 'normalised.insz', 'normalised.document_type',
            'normalised.residence_ground', 'normalised.register', 'normalised.valid_from',
            'normalised.valid_to', 'normalised.recorded_at']) }} as row_content_hash
    from normalised
    left join document_types on normalised.document_type = document_types.document_type
    left join residence_grounds on normalised.residence_ground = residence_grounds.residence_ground
    left join registers on normalised.register = registers.register
)

select * from checked
