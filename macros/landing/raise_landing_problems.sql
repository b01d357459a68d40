{#- Stops the run with every landing-file problem found, naming the folder and format of
    the run (CONTRACT.md §1); `hint` says what to do (e.g. reload on PostgreSQL). Does
    nothing when there is no problem. -#}
{% macro raise_landing_problems(problems, hint='') %}
    {%- if problems | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Landing files not usable (DVZ_LANDING_DIR=" ~ landing_dir() ~ ", landing_format="
            ~ landing_format() ~ "): " ~ problems | join('; ') ~ (("; " ~ hint) if hint else "")
        ) }}
    {%- endif -%}
{% endmacro %}
