{#- The evaluation date of the run (CONTRACT.md §1, RULES.md §1) as an ISO string.
    Null or absent means today. Anything that is not a real calendar date stops the
    run with a message naming the var. -#}
{% macro as_of_date() %}
    {%- set raw = var('as_of_date', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(modules.datetime.date.today().isoformat()) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- set match = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})', text) -%}
    {%- set ns = namespace(valid=false) -%}
    {%- if match -%}
        {%- set year = match.group(1) | int -%}
        {%- set month = match.group(2) | int -%}
        {%- set day = match.group(3) | int -%}
        {%- if 1 <= month <= 12 and day >= 1 -%}
            {%- set is_leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
            {%- set month_days = [31, 29 if is_leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
            {%- set ns.valid = day <= month_days[month - 1] -%}
        {%- endif -%}
    {%- endif -%}
    {%- if not ns.valid -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var as_of_date: '" ~ text ~ "'. Accepted: an ISO calendar date "
            ~ "YYYY-MM-DD (e.g. 2014-06-30), or leave it unset for today."
        ) }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}

{#- The evaluation date as a SQL date expression. -#}
{% macro as_of_date_sql() %}
    {{- return("cast('" ~ as_of_date() ~ "' as date)") -}}
{% endmacro %}

{#- The first instant after the evaluation day: a row exists only if recorded before it
    (RULES.md §1). -#}
{% macro as_of_cutoff_timestamp_sql() %}
    {{- return(dbt.dateadd('day', 1, "cast('" ~ as_of_date() ~ " 00:00:00' as " ~ dbt.type_timestamp() ~ ")")) -}}
{% endmacro %}
