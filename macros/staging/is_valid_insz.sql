{#- True when a normalised (digits-only) insz is a valid national or BIS number, the rule
    of python-stdnum's stdnum.be.ssn with its "today" read as as_of_date (RULES.md §2):
    11 digits, not all zero; check digits = 97 - (first 9 digits mod 97), or, when
    2000 + the first two digits <= the year of as_of_date, 97 - ((2 followed by the
    first 9 digits) mod 97); month part 00-12 (national number), 20-32 or 40-52 (BIS).
    The day part is not checked. A CASE guards every cast: engines do not promise to
    short-circuit AND. -#}
{% macro is_valid_insz(column, as_of_date_iso=none) %}
    {{ return(adapter.dispatch('is_valid_insz', 'dvz_transfer_warehouse')(column, as_of_date_iso)) }}
{% endmacro %}

{% macro default__is_valid_insz(column, as_of_date_iso=none) %}
    {%- set as_of_year = ((as_of_date_iso or as_of_date()) | string)[:4] | int -%}
    {%- set first_nine = "cast(substr(" ~ column ~ ", 1, 9) as bigint)" -%}
    {%- set born_2000_nine = "cast('2' || substr(" ~ column ~ ", 1, 9) as bigint)" -%}
    {%- set check_digits = "cast(substr(" ~ column ~ ", 10, 2) as integer)" -%}
    {%- set month_part = "cast(substr(" ~ column ~ ", 3, 2) as integer)" -%}
    {%- set year_part = "cast(substr(" ~ column ~ ", 1, 2) as integer)" -%}
    {%- set sql -%}
    (case
        when {{ column }} is null then false
        when length({{ column }}) <> 11 then false
        when {{ column }} = '00000000000' then false
        when not (
            {{ month_part }} between 0 and 12
            or {{ month_part }} between 20 and 32
            or {{ month_part }} between 40 and 52
        ) then false
        when 97 - ({{ first_nine }} % 97) = {{ check_digits }} then true
        when 2000 + {{ year_part }} <= {{ as_of_year }}
            and 97 - ({{ born_2000_nine }} % 97) = {{ check_digits }} then true
        else false
    end)
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}
