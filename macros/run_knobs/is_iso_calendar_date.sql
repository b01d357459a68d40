{#- True when `text` is an ISO calendar date YYYY-MM-DD that exists (2024-02-29 yes,
    2023-02-29 and 2014-13-45 no). -#}
{% macro is_iso_calendar_date(text) %}
    {%- set match = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})', text | string) -%}
    {%- if not match -%}{{ return(false) }}{%- endif -%}
    {%- set year, month, day = match.group(1) | int, match.group(2) | int, match.group(3) | int -%}
    {%- if month < 1 or month > 12 or day < 1 -%}{{ return(false) }}{%- endif -%}
    {%- set is_leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set month_days = [31, 29 if is_leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(day <= month_days[month - 1]) }}
{% endmacro %}
