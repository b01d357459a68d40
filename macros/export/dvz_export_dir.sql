{#- The absolute folder the DVZ batch files are written to: DVZ_EXPORT_DIR, or `exports`
    under the directory dbt runs from (the repository root, CONTRACT.md §1). A relative
    DVZ_EXPORT_DIR is made absolute the same way, so every reader can open the files from
    wherever it runs. -#}
{% macro dvz_export_dir() %}
    {%- set run_dir = env_var('PWD', '') | trim -%}
    {%- set configured = env_var('DVZ_EXPORT_DIR', '') | trim -%}
    {%- set folder = configured if configured != '' else 'exports' -%}
    {%- if not folder.startswith('/') -%}
        {%- if run_dir == '' -%}
            {{ exceptions.raise_compiler_error(
                "DVZ_EXPORT_DIR is relative ('" ~ folder ~ "') and the working directory is unknown (PWD unset): "
                ~ "set DVZ_EXPORT_DIR to an absolute folder."
            ) }}
        {%- endif -%}
        {%- set folder = run_dir ~ '/' ~ folder -%}
    {%- endif -%}
    {{ return(folder.rstrip('/')) }}
{% endmacro %}
