{#- The DVZ delivery files of one batch month (CONTRACT.md "DVZ delivery files", RULES.md
    §8a), described once: each file's name in DVZ_EXPORT_DIR and, for the two Parquet
    files the ledger reads back, the columns and types they hold. The export models'
    contracts, the ledger reader and the publication all read this description.

    dvz_delivery_files('2025-06') ->
      {'batch':       {'parquet': 'dvz_transfer_batch_2025-06.parquet', 'csv': ..., 'columns': [...]},
       'corrections': {'parquet': 'dvz_transfer_corrections_2025-06.parquet', 'csv': ..., 'columns': [...]},
       'manifest': 'dvz_transfer_batch_2025-06.manifest.json'} -#}
{% macro dvz_delivery_files(batch_month) %}
    {{ return({
        'batch': {
            'model': 'dvz_transfer_batch',
            'parquet': 'dvz_transfer_batch_' ~ batch_month ~ '.parquet',
            'csv': 'dvz_transfer_batch_' ~ batch_month ~ '.csv',
            'columns': [
                ('insz', 'varchar'), ('flow_code', 'varchar'), ('criterion_code', 'varchar'),
                ('episode_start', 'date'), ('episode_end', 'date'), ('transfer_due_on', 'date'),
                ('is_late', 'boolean'), ('aid_period_start', 'date'), ('aid_period_end', 'date'),
                ('counted_days', 'integer'), ('counted_months', 'integer'),
                ('reimbursed_amount_eur', 'decimal(12,2)'), ('ocmw_nis_code', 'varchar'),
            ],
        },
        'corrections': {
            'model': 'dvz_transfer_corrections',
            'parquet': 'dvz_transfer_corrections_' ~ batch_month ~ '.parquet',
            'csv': 'dvz_transfer_corrections_' ~ batch_month ~ '.csv',
            'columns': [
                ('insz', 'varchar'), ('flow_code', 'varchar'), ('episode_start', 'date'),
                ('delivered_in_batch', 'varchar'), ('current_status', 'varchar'),
            ],
        },
        'manifest': 'dvz_transfer_batch_' ~ batch_month ~ '.manifest.json',
    }) }}
{% endmacro %}
