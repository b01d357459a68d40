{#- The names of the files in `folder` (an empty list when it holds none), for the delivery
    ledger (dvz_ledger_files). Dispatched: DuckDB (default__) and Spark read the folder in
    place. -#}
{% macro dvz_ledger_folder_files(folder) %}
    {{ return(adapter.dispatch('dvz_ledger_folder_files', 'dvz_transfer_warehouse')(folder)) }}
{% endmacro %}

{% macro default__dvz_ledger_folder_files(folder) %}
    {%- set names = [] -%}
    {%- for row in run_query("select file from glob(" ~ string_literal(folder ~ '/*') ~ ")") -%}
        {%- do names.append(row[0].split('/')[-1]) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}

{#- Spark's binaryFile source lists the folder (hidden files left out); the folder must exist. -#}
{% macro spark__dvz_ledger_folder_files(folder) %}
    {%- set names = [] -%}
    {%- for row in run_query("select path from binaryFile.`" ~ folder | replace('`', '``') ~ "`") -%}
        {%- do names.append(row[0].split('/')[-1]) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
