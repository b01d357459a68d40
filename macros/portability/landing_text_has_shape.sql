{#- SQL truth of "this text has the contract's shape for the type" (CONTRACT.md §2),
    for the engines whose own cast reads more than the contract allows (Spark reads
    '2014' or '2014-01-05 junk' as a date) or fails on a bad value (PostgreSQL):
      date       YYYY-MM-DD (month and day may have one digit, as DuckDB reads them);
      timestamp  such a date, optionally followed by a space and H:MM, H:MM:SS or
                 H:MM:SS.ffffff;
      decimal    an optional sign, digits with an optional '.' fraction.
    Whether the numbers fit (a real calendar day, an hour 0-23, a decimal's precision)
    is the cast's business (Spark's try_cast gives null) or landing_text_is_castable's.
    The value is read as text, whatever type the caller hands in. The patterns avoid
    backslashes, whose escaping differs between dialects. -#}
{% macro landing_text_has_shape(value_expression, target_type) %}
    {%- set type_name = target_type | lower | trim -%}
    {%- set text = "cast(" ~ value_expression ~ " as " ~ dbt.type_string() ~ ")" -%}
    {%- set date_pattern = '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}' -%}
    {%- if type_name == 'date' -%}
        {%- set pattern = date_pattern -%}
    {%- elif 'timestamp' in type_name -%}
        {%- set pattern = date_pattern ~ '( [0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?' -%}
    {%- elif type_name.startswith('decimal') or type_name.startswith('numeric') -%}
        {%- set pattern = '[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("landing_text_has_shape: no shape known for type " ~ target_type) }}
    {%- endif -%}
    {{ return("coalesce(" ~ matches_pattern(text, pattern) ~ ", false)") }}
{% endmacro %}
