{#- Parse one landing text value into its contract type. Empty is null. A value that is
    present but cannot be read as the type stops the run with a message naming the file,
    the column, the row and the value: RULES.md §2 has no reason code for it, and
    guessing would put a person in the wrong place.
    landing_type: 'date', 'timestamp' (a T between date and time is accepted) or
    'amount' (decimal(10,2)). -#}
{% macro parse_landing_value(column, landing_type, source_stem, row_number_column='source_row_number') %}
    {%- set text = normalise_text(column) -%}
    {%- if landing_type == 'date' -%}
        {%- set target_type = 'date' -%}
        {%- set readable = text -%}
        {%- set expected = 'an ISO date YYYY-MM-DD' -%}
    {%- elif landing_type == 'timestamp' -%}
        {%- set target_type = dbt.type_timestamp() -%}
        {%- set readable = "replace(" ~ text ~ ", 'T', ' ')" -%}
        {%- set expected = 'a timestamp YYYY-MM-DD HH:MM:SS' -%}
    {%- elif landing_type == 'amount' -%}
        {%- set target_type = 'decimal(10, 2)' -%}
        {%- set readable = text -%}
        {%- set expected = 'a decimal number with . as decimal mark' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("parse_landing_value: unknown landing_type " ~ landing_type) }}
    {%- endif -%}
    {%- set parsed = safe_cast(readable, target_type) -%}
    {#- the contract's column name, without the _landed suffix of the staging alias -#}
    {%- set contract_column = column[:-7] if column.endswith('_landed') else column -%}
    {%- set message = string_literal("landing file " ~ landing_file_name(source_stem) ~ ", column " ~ contract_column
        ~ ", row ") ~ " || cast(" ~ row_number_column ~ " as " ~ dbt.type_string() ~ ") || "
        ~ string_literal(': value "') ~ " || " ~ text ~ " || " ~ string_literal('" is not ' ~ expected) -%}
    {#- A landing column that already has the contract type (typed Parquet) is taken as it
        is: nothing to parse, nothing unreadable. The test is a constant the engine folds
        away (landing_value_has_type); text columns (CSV) keep the checked parse below. -#}
    {%- set has_type = landing_value_has_type(column, target_type) -%}
    {%- set sql -%}
    case
        {%- if has_type %}
        when {{ has_type }} then cast({{ column }} as {{ target_type }})
        {%- endif %}
        when {{ text }} is null then null
        when {{ parsed }} is not null then {{ parsed }}
        else {{ raise_error_sql(message, target_type) }}
    end
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}
