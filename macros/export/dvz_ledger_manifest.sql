{#- The files a month's manifest lists: {file name: (SHA-256, bytes)}. -#}
{% macro dvz_ledger_manifest(manifest_path) %}
    {{ return(adapter.dispatch('dvz_ledger_manifest', 'dvz_transfer_warehouse')(manifest_path)) }}
{% endmacro %}

{% macro default__dvz_ledger_manifest(manifest_path) %}
    {%- set listed = {} -%}
    {%- for row in run_query("select item.file, item.sha256, cast(item.bytes as bigint) from (select unnest(files) as item"
        ~ " from read_json(" ~ string_literal(manifest_path) ~ ", format = 'auto'))") -%}
        {%- do listed.update({row[0]: (row[1], row[2] | int)}) -%}
    {%- endfor -%}
    {{ return(listed) }}
{% endmacro %}

{% macro spark__dvz_ledger_manifest(manifest_path) %}
    {%- set listed = {} -%}
    {%- for row in run_query("select item.file, item.sha256, item.bytes from (select explode(from_json("
        ~ "cast(content as string), 'struct<files: array<struct<file: string, sha256: string, bytes: bigint>>>').files)"
        ~ " as item from binaryFile.`" ~ manifest_path | replace('`', '``') ~ "`)") -%}
        {%- do listed.update({row[0]: (row[1], row[2] | int)}) -%}
    {%- endfor -%}
    {{ return(listed) }}
{% endmacro %}
