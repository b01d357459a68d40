{#- The landing sources and their columns in contract order (CONTRACT.md §2), each with its
    contract type (`text`, `date`, `timestamp` or `amount`, i.e. decimal(10,2)), used to
    check files before a run. Read from the one declaration, the sources YAML
    models/staging/_landing__sources.yml (each column's `data_type`), through the graph:
    available when the project executes (hooks, run-operation), empty while it parses.
    Python reads the same YAML (scripts/landing_contract.py). -#}
{% macro landing_contract_columns() %}
    {%- set contract = {} -%}
    {%- for node in graph.sources.values()
        if node.package_name == project_name and node.meta.get('business_key') is not none -%}
        {%- set columns = {} -%}
        {%- for column in node.columns.values() -%}
            {%- do columns.update({column.name: column.data_type}) -%}
        {%- endfor -%}
        {%- do contract.update({node.name: {'source': node.source_name, 'columns': columns}}) -%}
    {%- endfor -%}
    {{ return(contract) }}
{% endmacro %}
