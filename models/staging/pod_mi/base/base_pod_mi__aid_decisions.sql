-- Every row of aid_decisions.<format>: provenance, normalised and typed values, and the
-- first row-level defect of RULES.md §2 (checks that need other rows come later).
with

landing as (
    select * from {{ source('pod_mi', 'aid_decisions') }}
),

code_lists as (
    select
        code_list,
        code
    from {{ ref('ref_code_lists') }}
),

scheme_forms as (
    select
        legal_scheme,
        aid_form,
        benefit_type
    from {{ ref('ref_benefit_types') }}
),

numbered as (
    select
        {{ string_literal(landing_file_name("aid_decisions")) }} as source_file,
        {{ landing_row_number() }} as source_row_number,
        decision_id as decision_id_landed,
        ocmw_nis_code as ocmw_nis_code_landed,
        insz as insz_landed,
        legal_scheme as legal_scheme_landed,
        aid_form as aid_form_landed,
        period_start as period_start_landed,
        period_end as period_end_landed,
        monthly_amount_eur as monthly_amount_eur_landed,
        decision_date as decision_date_landed,
        status as status_landed,
        recorded_at as recorded_at_landed
    from landing
),

normalised as (
    select
        source_file,
        source_row_number,
        {{ normalise_text('decision_id_landed') }} as decision_id,
        {{ normalise_code('ocmw_nis_code_landed') }} as ocmw_nis_code,
        {{ normalise_insz('insz_landed') }} as insz,
        {{ normalise_code('legal_scheme_landed') }} as legal_scheme,
        {{ normalise_code('aid_form_landed') }} as aid_form,
        {{ parse_landing_value('period_start_landed', 'date', 'aid_decisions') }} as period_start,
        {{ parse_landing_value('period_end_landed', 'date', 'aid_decisions') }} as period_end,
        {{ parse_landing_value('monthly_amount_eur_landed', 'amount', 'aid_decisions') }}
            as monthly_amount_eur,
        {{ parse_landing_value('decision_date_landed', 'date', 'aid_decisions') }} as decision_date,
        {{ normalise_code('status_landed') }} as status,
        {{ parse_landing_value('recorded_at_landed', 'timestamp', 'aid_decisions') }} as recorded_at
    from numbered
),

checked as (
    select
        normalised.*,
        normalised.decision_id as business_key,
        scheme_forms.benefit_type,
        case
            when normalised.decision_id is null or normalised.insz is null then 'MISSING_KEY'
            when not {{ is_valid_insz('normalised.insz') }} then 'INVALID_INSZ'
            when normalised.ocmw_nis_code is null
                or normalised.legal_scheme is null
                or normalised.aid_form is null
                or normalised.period_start is null
                or normalised.status is null
                or normalised.recorded_at is null
                then 'MISSING_VALUE'
            when known_schemes.code is null
                or known_forms.code is null
                or known_statuses.code is null
                or not {{ matches_pattern('normalised.ocmw_nis_code', '[0-9]{5}') }}
                then 'UNKNOWN_CODE'
            when normalised.period_end < normalised.period_start then 'END_BEFORE_START'
            when scheme_forms.benefit_type is null then 'IMPOSSIBLE_SCHEME_FORM'
        end as row_defect_reason,
        {{ row_content_hash(['normalised.decision_id', 'normalised.ocmw_nis_code', 'normalised.insz',
            'normalised.legal_scheme', 'normalised.aid_form', 'normalised.period_start',
            'normalised.period_end', 'normalised.monthly_amount_eur', 'normalised.decision_date',
            'normalised.status', 'normalised.recorded_at']) }} as row_content_hash
    from normalised
    left join code_lists as known_schemes
        on known_schemes.code_list = 'legal_scheme' and normalised.legal_scheme = known_schemes.code
    left join code_lists as known_forms
        on known_forms.code_list = 'aid_form' and normalised.aid_form = known_forms.code
    left join code_lists as known_statuses
        on known_statuses.code_list = 'decision_status' and normalised.status = known_statuses.code
    left join scheme_forms
        on normalised.legal_scheme = scheme_forms.legal_scheme
            and normalised.aid_form = scheme_forms.aid_form
)

select * from checked
