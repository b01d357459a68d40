-- Every row of persons.<format>: provenance, normalised and typed values, and the first
-- row-level defect of RULES.md §2 (checks that need other rows come later).
with

landing as (
    select * from {{ source('national_register', 'persons') }}
),

numbered as (
    select
        {{ string_literal(landing_file_name("persons")) }} as source_file,
        {{ landing_row_number() }} as source_row_number,
        insz as insz_landed,
        birth_date as birth_date_landed,
        nationality_code as nationality_code_landed,
        belgian_since as belgian_since_landed,
        recorded_at as recorded_at_landed
    from landing
),

normalised as (
    select
        source_file,
        source_row_number,
        {{ normalise_insz('insz_landed') }} as insz,
        {{ parse_landing_value('birth_date_landed', 'date', 'persons') }} as birth_date,
        {{ normalise_code('nationality_code_landed') }} as nationality_code,
        {{ parse_landing_value('belgian_since_landed', 'date', 'persons') }} as belgian_since,
        {{ parse_landing_value('recorded_at_landed', 'timestamp', 'persons') }} as recorded_at
    from numbered
),

checked as (
    select
        *,
        insz as business_key,
        case
            when insz is null then 'MISSING_KEY'
            when not {{ is_valid_insz('insz') }} then 'INVALID_INSZ'
            when nationality_code is null or recorded_at is null then 'MISSING_VALUE'
            when not {{ matches_pattern('nationality_code', '[A-Z]{2}') }} then 'UNKNOWN_CODE'
        end as row_defect_reason,
        {{ row_content_hash(['insz', 'birth_date', 'nationality_code', 'belgian_since', 'recorded_at']) }}
            as row_content_hash
    from normalised
)

select * from checked
