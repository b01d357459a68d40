{#- Overrides dbt-spark's seed table creation (dbt dispatches to the root project first)
    only to read the seeds' column_types through spark_seed_column_type: the seed YAML
    says `varchar`, which Spark accepts only with a length. Otherwise dbt-spark's
    version. -#}
{% macro spark__create_csv_table(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {%- set sql -%}
        create table {{ this.render() }} (
            {%- for col_name in agate_table.column_names -%}
                {%- set type = spark_seed_column_type(column_override.get(col_name,
                    adapter.convert_type(agate_table, loop.index0))) -%}
                {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }}
                {%- if not loop.last -%}, {% endif -%}
            {%- endfor -%}
        )
        {{ file_format_clause() }}
        {{ partition_cols(label="partitioned by") }}
        {{ clustered_cols(label="clustered by") }}
        {{ location_clause() }}
        {{ comment_clause() }}
    {%- endset -%}
    {%- call statement('_') -%}
        {{ sql }}
    {%- endcall -%}
    {{ return(sql) }}
{% endmacro %}
