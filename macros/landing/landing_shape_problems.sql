{#- The shape problems of one landing file, before anything is staged (CONTRACT.md §2): a
    contract column named more than once in the header (names compare case-insensitively,
    as the engines bind them, so `insz` and `INSZ` are the same column), a contract column
    missing, or a contract column whose physical type the contract does not allow
    (landing_type_problem). Extra columns are ignored, duplicated or not. Returns a list of
    messages, empty when the file has the contract's shape.
    header_names: the column names as the file writes them, in file order.
    column_types: lower-case column name -> the engine's type name; empty when every value
    arrives as text (CSV). -#}
{% macro landing_shape_problems(path, columns, header_names, column_types={}) %}
    {%- set problems = [] -%}
    {%- set names = header_names | map('string') | map('lower') | list -%}
    {%- set duplicated = [] -%}
    {%- for column in columns if names.count(column) > 1 -%}
        {%- do duplicated.append(column ~ " (" ~ names.count(column) ~ " times)") -%}
    {%- endfor -%}
    {%- if duplicated | length > 0 -%}
        {%- do problems.append("landing file " ~ path ~ " has column(s) named more than once in its header: "
            ~ duplicated | join(', ') ~ " (header: " ~ header_names | join(', ') ~ "); which one to read is ambiguous") -%}
    {%- endif -%}
    {%- set missing = missing_landing_columns_problem(path, columns, names) -%}
    {%- if missing -%}{%- do problems.append(missing) -%}{%- endif -%}
    {%- for column, contract_type in columns.items() if column in column_types -%}
        {%- set problem = landing_type_problem(path, column, contract_type, column_types[column]) -%}
        {%- if problem -%}{%- do problems.append(problem) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(problems) }}
{% endmacro %}
