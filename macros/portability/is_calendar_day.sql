{#- SQL truth of "the digits Y-M-D of date_text name a real calendar day of a year >= 1"
    (Gregorian leap years). Only for a text that has the date shape already
    (landing_text_has_shape): its casts of the parts cannot fail then. -#}
{% macro is_calendar_day(date_text) %}
    {%- set year = "cast(" ~ dbt.split_part(date_text, "'-'", 1) ~ " as integer)" -%}
    {%- set month = "cast(" ~ dbt.split_part(date_text, "'-'", 2) ~ " as integer)" -%}
    {%- set day = "cast(" ~ dbt.split_part(date_text, "'-'", 3) ~ " as integer)" -%}
    {%- set sql -%}
    (case
        when {{ year }} < 1 or {{ month }} not between 1 and 12 or {{ day }} < 1 then false
        when {{ month }} = 2 then {{ day }} <= case
            when {{ year }} % 4 = 0 and ({{ year }} % 100 <> 0 or {{ year }} % 400 = 0) then 29 else 28
        end
        when {{ month }} in (4, 6, 9, 11) then {{ day }} <= 30
        else {{ day }} <= 31
    end)
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}
