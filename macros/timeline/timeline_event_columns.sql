{#- The columns of a person-timeline event, in order, with their SQL types: the one
    shape every event kind of fct_person_timeline is written in (issue 18). Keyed by insz
    here; the mart replaces it by person_key. -#}
{% macro timeline_event_columns() %}
    {{ return([
        ('insz', dbt.type_string()),
        ('event_type', dbt.type_string()),
        ('event_start', 'date'),
        ('event_end', 'date'),
        ('flow_code', dbt.type_string()),
        ('episode_number', dbt.type_int()),
        ('event_code', dbt.type_string()),
        ('event_status', dbt.type_string()),
        ('decision_id', dbt.type_string()),
        ('reimbursement_id', dbt.type_string()),
        ('ocmw_nis_code', dbt.type_string()),
        ('amount_eur', 'decimal(18, 2)'),
        ('paid_on', 'date'),
        ('counted_units', dbt.type_int()),
        ('counted_unit', dbt.type_string()),
        ('event_detail', dbt.type_string()),
        ('source', dbt.type_string()),
        ('source_file', dbt.type_string()),
        ('source_row_number', dbt.type_bigint()),
    ]) }}
{% endmacro %}
