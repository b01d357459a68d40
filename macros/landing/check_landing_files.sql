{#- Stop the run, naming the file, when a landing file is missing or lacks a contract
    column (CONTRACT.md §1-2). Called by the on-run-start hook. -#}
{% macro check_landing_files() %}
    {{ return(adapter.dispatch('check_landing_files', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro duckdb__check_landing_files() %}
    {%- set problems = [] -%}
    {%- for source_stem, spec in landing_contract_columns().items() -%}
        {%- set columns = spec['columns'] -%}
        {%- set path = landing_dir() ~ '/' ~ landing_file_name(source_stem) -%}
        {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {%- do problems.append("missing landing file " ~ path) -%}
        {%- else -%}
            {%- set described = run_query("describe select * from " ~ source(spec['source'], source_stem)) -%}
            {%- set present = described.columns[0].values() | map('lower') | list -%}
            {%- set missing = [] -%}
            {%- for column in columns -%}
                {%- if column not in present -%}{%- do missing.append(column) -%}{%- endif -%}
            {%- endfor -%}
            {%- if missing -%}
                {%- do problems.append("landing file " ~ path ~ " lacks column(s) " ~ missing | join(', ')
                    ~ " (header found: " ~ present | join(', ') ~ ")") -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "Landing files not usable (DVZ_LANDING_DIR=" ~ landing_dir() ~ ", landing_format="
            ~ landing_format() ~ "): " ~ problems | join('; ')
        ) }}
    {%- endif -%}
{% endmacro %}

{#- Engines that load landing files in their own step check them there. -#}
{% macro default__check_landing_files() %}
{% endmacro %}
