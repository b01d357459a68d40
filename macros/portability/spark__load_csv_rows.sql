{#- Overrides dbt-spark's seed loader (dbt dispatches to the root project first). Its
    version passes the values as query bindings, which the session method pastes into
    the SQL as '<value>': a null becomes the text 'None' and a quote in a value (the
    rule catalogue's notes quote 'artikel 60') breaks the statement. This one writes each
    value as an escaped SQL literal, null as null, for every connection method. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = spark_seed_column_type(column_override.get(col_name,
                        adapter.convert_type(agate_table, loop.index0))) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- elif value is sameas true or value is sameas false -%}
                        cast({{ 'true' if value else 'false' }} as {{ type }})
                    {%- else -%}
                        cast('{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}
