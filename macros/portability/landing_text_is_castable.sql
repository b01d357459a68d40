{#- SQL truth of "this text has the contract's shape for the type
    (landing_text_has_shape) and a cast of it cannot fail", for PostgreSQL, whose cast
    stops the query on a bad value: a date must be a real calendar day of a year >= 1
    (is_calendar_day); a timestamp's hour 0-23 and minute and second 0-59; a
    decimal(p, s) must still fit p digits once rounded to s. Every cast is guarded by a
    CASE: engines do not promise to short-circuit AND. -#}
{% macro landing_text_is_castable(value_expression, target_type) %}
    {%- set type_name = target_type | lower | trim -%}
    {%- set text = "cast(" ~ value_expression ~ " as " ~ dbt.type_string() ~ ")" -%}
    {%- set shape = landing_text_has_shape(value_expression, target_type) -%}
    {%- if type_name == 'date' -%}
        {{ return("(case when " ~ shape ~ " then " ~ is_calendar_day(text) ~ " else false end)") }}
    {%- elif 'timestamp' in type_name -%}
        {%- set time_part = dbt.split_part(text, "' '", 2) -%}
        {%- set seconds_part = dbt.split_part(time_part, "':'", 3) -%}
        {%- set time_ok -%}
            (case
                when {{ time_part }} = '' then true
                when cast({{ dbt.split_part(time_part, "':'", 1) }} as integer) > 23
                    or cast({{ dbt.split_part(time_part, "':'", 2) }} as integer) > 59 then false
                when {{ seconds_part }} = '' then true
                else cast({{ dbt.split_part(seconds_part, "'.'", 1) }} as integer) <= 59
            end)
        {%- endset -%}
        {{ return("(case when not " ~ shape ~ " then false when not " ~ is_calendar_day(dbt.split_part(text, "' '", 1))
            ~ " then false else " ~ time_ok ~ " end)") }}
    {%- else -%}
        {%- set precision_scale = modules.re.findall('[0-9]+', type_name) -%}
        {%- if precision_scale | length != 2 -%}
            {{ return(shape) }}
        {%- endif -%}
        {%- set limit = '1' ~ '0' * (precision_scale[0] | int - precision_scale[1] | int) -%}
        {{ return("(case when " ~ shape ~ " then abs(round(cast(" ~ text ~ " as numeric), "
            ~ precision_scale[1] ~ ")) < " ~ limit ~ " else false end)") }}
    {%- endif -%}
{% endmacro %}
