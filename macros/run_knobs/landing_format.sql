{#- Which of the two landing files per source is read (CONTRACT.md §1). -#}
{% macro landing_format() %}
    {%- set accepted = ['csv', 'parquet'] -%}
    {%- set value = var('landing_format', 'parquet') | string | trim | lower -%}
    {%- if value not in accepted -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var landing_format: '" ~ var('landing_format') ~ "'. Accepted: "
            ~ accepted | join(', ') ~ "."
        ) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}

{#- The folder holding the landing files (env var DVZ_LANDING_DIR, CONTRACT.md §1),
    without a trailing slash. -#}
{% macro landing_dir() %}
    {{- return(env_var('DVZ_LANDING_DIR', 'data/landing').rstrip('/')) -}}
{% endmacro %}

{#- The landing file name of a source, e.g. persons.parquet. -#}
{% macro landing_file_name(source_stem) %}
    {{- return(source_stem ~ '.' ~ landing_format()) -}}
{% endmacro %}
