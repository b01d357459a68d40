{#- The one way a value becomes SQL text: `value` as a quoted string literal of the target
    engine. Every path, var or secret pasted into SQL goes through it, so a quote, a
    semicolon or `--` in a folder name stays data and never becomes a statement. -#}
{% macro string_literal(value) %}
    {{ return(adapter.dispatch('string_literal', 'dvz_transfer_warehouse')(value)) }}
{% endmacro %}

{#- Standard SQL (DuckDB, PostgreSQL with standard_conforming_strings): a quote is doubled;
    a backslash is an ordinary character. -#}
{% macro default__string_literal(value) %}
    {{ return("'" ~ (value | string).replace("'", "''") ~ "'") }}
{% endmacro %}

{#- Spark SQL: a backslash escapes, so backslashes and quotes are escaped with one. -#}
{% macro spark__string_literal(value) %}
    {{ return("'" ~ (value | string).replace("\\", "\\\\").replace("'", "\\'") ~ "'") }}
{% endmacro %}
