{#- The problem message when a landing column's physical type (a DuckDB type name, as
    `describe` spells it) is not one its contract type allows, or '' when it is. Text is
    always allowed (CSV, or Parquet written as strings: staging parses it), and so is a
    column of nulls only (Parquet's null type). Otherwise only types that hold the contract
    type's values exactly: a text column must be text (an integer insz or NIS code has
    lost its leading zeros), a date a DATE, a timestamp a TIMESTAMP without time zone
    (RULES.md §1: timestamps are naive), an amount a DECIMAL with at most 2 decimals or an
    integer (never binary floating point). -#}
{% macro landing_type_problem(path, column, contract_type, physical_type) %}
    {%- set accepted = {
        'text': ('', 'text (VARCHAR)'),
        'date': ('DATE', 'DATE or text'),
        'timestamp': ('TIMESTAMP(_S|_MS|_NS)?', 'TIMESTAMP without time zone or text'),
        'amount': ('DECIMAL\\([0-9]+,[0-2]\\)|U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)',
                   'DECIMAL with at most 2 decimals, an integer or text'),
    }[contract_type] -%}
    {%- set type_name = physical_type | string | upper | replace(' ', '') | replace('"', '') -%}
    {%- if type_name in ['VARCHAR', 'NULL'] or (accepted[0] and modules.re.fullmatch(accepted[0], type_name)) -%}
        {{ return('') }}
    {%- endif -%}
    {{ return("landing file " ~ path ~ ", column " ~ column ~ " has type " ~ physical_type ~ "; the contract's "
        ~ contract_type ~ " column accepts " ~ accepted[1] ~ " only") }}
{% endmacro %}
