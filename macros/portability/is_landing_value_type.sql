{#- True for the types a landing text is parsed into (CONTRACT.md §2): date, timestamp,
    decimal / numeric. -#}
{% macro is_landing_value_type(target_type) %}
    {%- set type_name = target_type | lower | trim -%}
    {{ return(type_name == 'date' or 'timestamp' in type_name or type_name.startswith('decimal')
        or type_name.startswith('numeric')) }}
{% endmacro %}
