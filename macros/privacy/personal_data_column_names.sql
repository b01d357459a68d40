{#- The column names no dashboard model may carry (RULES.md §8): `insz` and `birth_date`
    always, plus every column tagged `pii` (column tags or meta `pii: true`) on any model,
    seed or source of the project. Lower-case names. Needs the graph (execution time). -#}
{% macro personal_data_column_names() %}
    {%- set names = ['insz', 'birth_date'] -%}
    {%- for node in graph.nodes.values() | list + graph.sources.values() | list -%}
        {%- for column in node.get('columns', {}).values() -%}
            {%- set column_config = column.get('config') or {} -%}
            {%- set tags = (column.get('tags') or []) + (column_config.get('tags') or []) -%}
            {%- set meta = (column.get('meta') or {}) -%}
            {%- set config_meta = (column_config.get('meta') or {}) -%}
            {%- if 'pii' in tags or meta.get('pii') or config_meta.get('pii') -%}
                {%- if column.name | lower not in names -%}{%- do names.append(column.name | lower) -%}{%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
