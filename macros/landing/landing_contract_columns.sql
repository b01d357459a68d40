{#- The landing sources and their columns in contract order (CONTRACT.md §2), used to
    check files before a run; the staging models name the same columns explicitly. -#}
{% macro landing_contract_columns() %}
    {{ return({
        'persons': {'source': 'national_register', 'columns': [
            'insz', 'birth_date', 'nationality_code', 'belgian_since', 'recorded_at']},
        'residence_permits': {'source': 'national_register', 'columns': [
            'permit_id', 'insz', 'document_type', 'residence_ground', 'register',
            'valid_from', 'valid_to', 'recorded_at']},
        'aid_decisions': {'source': 'pod_mi', 'columns': [
            'decision_id', 'ocmw_nis_code', 'insz', 'legal_scheme', 'aid_form', 'period_start',
            'period_end', 'monthly_amount_eur', 'decision_date', 'status', 'recorded_at']},
        'reimbursements': {'source': 'pod_mi', 'columns': [
            'reimbursement_id', 'decision_id', 'insz', 'aid_month', 'amount_eur', 'paid_on',
            'recorded_at']},
    }) }}
{% endmacro %}
