{#- The SHA-256 and size of files: {file name: (SHA-256, bytes)}. -#}
{% macro dvz_ledger_fingerprints(paths) %}
    {{ return(adapter.dispatch('dvz_ledger_fingerprints', 'dvz_transfer_warehouse')(paths)) }}
{% endmacro %}

{% macro default__dvz_ledger_fingerprints(paths) %}
    {%- set literals = [] -%}
    {%- for path in paths -%}{%- do literals.append(string_literal(path)) -%}{%- endfor -%}
    {%- set fingerprints = {} -%}
    {%- for row in run_query("select filename, sha256(content), size from read_blob([" ~ literals | join(', ') ~ "])") -%}
        {%- do fingerprints.update({row[0].split('/')[-1]: (row[1], row[2] | int)}) -%}
    {%- endfor -%}
    {{ return(fingerprints) }}
{% endmacro %}

{% macro spark__dvz_ledger_fingerprints(paths) %}
    {%- set fingerprints = {} -%}
    {%- for path in paths -%}
        {%- set row = run_query("select sha2(content, 256), length from binaryFile.`" ~ path | replace('`', '``') ~ "`").rows[0] -%}
        {%- do fingerprints.update({path.split('/')[-1]: (row[0], row[1] | int)}) -%}
    {%- endfor -%}
    {{ return(fingerprints) }}
{% endmacro %}
