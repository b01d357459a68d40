{#- The landing sources and their columns in contract order (CONTRACT.md §2), each with its
    contract type (`text`, `date`, `timestamp` or `amount`, i.e. decimal(10,2)), used to
    check files before a run; the staging models name the same columns explicitly. -#}
{% macro landing_contract_columns() %}
    {{ return({
        'persons': {'source': 'national_register', 'columns': {
            'insz': 'text', 'birth_date': 'date', 'nationality_code': 'text', 'belgian_since': 'date',
            'recorded_at': 'timestamp'}},
        'residence_permits': {'source': 'national_register', 'columns': {
            'permit_id': 'text', 'insz': 'text', 'document_type': 'text', 'residence_ground': 'text',
            'register': 'text', 'valid_from': 'date', 'valid_to': 'date', 'recorded_at': 'timestamp'}},
        'aid_decisions': {'source': 'pod_mi', 'columns': {
            'decision_id': 'text', 'ocmw_nis_code': 'text', 'insz': 'text', 'legal_scheme': 'text',
            'aid_form': 'text', 'period_start': 'date', 'period_end': 'date', 'monthly_amount_eur': 'amount',
            'decision_date': 'date', 'status': 'text', 'recorded_at': 'timestamp'}},
        'reimbursements': {'source': 'pod_mi', 'columns': {
            'reimbursement_id': 'text', 'decision_id': 'text', 'insz': 'text', 'aid_month': 'date',
            'amount_eur': 'amount', 'paid_on': 'date', 'recorded_at': 'timestamp'}},
    }) }}
{% endmacro %}
