{#- A var that is a share (a number from 0 to 1, e.g. 0.5 for 50 %), validated: anything
    else stops the run with a message naming the var. Returned as a number, so it reaches
    SQL as a numeric literal, never as text from the command line. -#}
{% macro share_var(var_name) %}
    {%- set raw = var(var_name) -%}
    {%- set text = raw | string | trim -%}
    {%- if raw is boolean or not modules.re.fullmatch('[0-9]+(\\.[0-9]+)?', text) or (text | float) > 1 -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var " ~ var_name ~ ": '" ~ raw ~ "'. Accepted: a share from 0 to 1 (e.g. 0.5 for 50 %)."
        ) }}
    {%- endif -%}
    {{ return(text | float) }}
{% endmacro %}
