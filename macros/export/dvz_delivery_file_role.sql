{#- The batch month and role of a delivery file, from its name alone (a file of another
    name is not a delivery file): ('2025-06', 'batch' | 'corrections' | 'manifest'), or
    none. -#}
{% macro dvz_delivery_file_role(file_name) %}
    {%- set match = modules.re.fullmatch(
        'dvz_transfer_(batch|corrections)_([0-9]{4}-(?:0[1-9]|1[0-2]))\\.(parquet|csv|manifest\\.json)', file_name) -%}
    {%- if not match or (match.group(1) == 'corrections' and match.group(3) == 'manifest.json') -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return((match.group(2), 'manifest' if match.group(3) == 'manifest.json' else match.group(1))) }}
{% endmacro %}
