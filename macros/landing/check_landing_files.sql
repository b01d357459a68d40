{#- Stop the run, naming the file, when a landing file is missing, empty (0 bytes) or not of
    the contract's shape: a contract column missing, named twice in the header, or of a
    physical type the contract does not allow (landing_shape_problems; CONTRACT.md §1-2).
    Called by the on-run-start hook, before anything is staged. A truncated Parquet file
    stops it here too, with DuckDB's message naming the file. -#}
{% macro check_landing_files() %}
    {{ return(adapter.dispatch('check_landing_files', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{#- DuckDB reads the files in place: the sources read the folder from the session variable
    the project's plugin sets (plugins/dvz_duckdb.py); every path below is quoted by
    string_literal. -#}
{% macro duckdb__check_landing_files() %}
    {%- if run_query("select getvariable('dvz_landing_dir')").columns[0].values()[0] is none -%}
        {{ exceptions.raise_compiler_error(
            "Landing files not usable: the session has no landing folder (dvz_landing_dir); the target "
            ~ target.name ~ " must load the project's dbt-duckdb plugin (profiles.yml: plugins: [{module: dvz_duckdb}])."
        ) }}
    {%- endif -%}
    {%- set problems = [] -%}
    {%- for source_stem, spec in landing_contract_columns().items() -%}
        {%- set columns = spec['columns'] -%}
        {%- set path = landing_dir() ~ '/' ~ landing_file_name(source_stem) -%}
        {%- set found = run_query("select count(*) from glob(" ~ string_literal(path) ~ ")").columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {%- do problems.append("missing landing file " ~ path) -%}
        {%- elif run_query("select size from read_blob(" ~ string_literal(path) ~ ")").columns[0].values()[0] == 0 -%}
            {#- read_blob reads no content when only the size is selected -#}
            {%- do problems.append("landing file " ~ path ~ " is empty (0 bytes); it must hold the column(s) "
                ~ columns | join(', ')) -%}
        {%- else -%}
            {#- the header as written (DuckDB renames a repeated name, insz and insz_1, when it
                reads a file) and, for Parquet, each column's type as the source reads it -#}
            {%- set column_types = {} -%}
            {%- if landing_format() == 'csv' -%}
                {%- set header = run_query("select * from read_csv(" ~ string_literal(path)
                    ~ ", header = false, delim = ',', all_varchar = true) limit 1").rows[0] | list -%}
            {%- else -%}
                {%- set header = run_query("select name from parquet_schema(" ~ string_literal(path)
                    ~ ") where num_children is null").columns[0].values() | list -%}
                {%- for row in run_query("describe select * from " ~ source(spec['source'], source_stem)) -%}
                    {%- do column_types.update({row[0] | lower: row[1]}) -%}
                {%- endfor -%}
            {%- endif -%}
            {%- do problems.extend(landing_shape_problems(path, columns, header, column_types)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do raise_landing_problems(problems) -%}
{% endmacro %}

{#- Engines that load landing files in their own step check them there. -#}
{% macro default__check_landing_files() %}
{% endmacro %}

{#- PostgreSQL reads the landing tables scripts/load_landing_postgres.py loaded into the
    schema `landing` (every value as text, plus source_row_number). Stops the run when
    they are missing, were loaded from another folder or format than this run names, or
    lack a contract column. -#}
{% macro postgres__check_landing_files() %}
    {%- set reload = "load them first: python scripts/load_landing_postgres.py --landing-dir "
        ~ landing_dir() ~ " --format " ~ landing_format() -%}
    {%- set tables = run_query(
        "select table_name from information_schema.tables where table_schema = 'landing'"
    ).columns[0].values() | list -%}
    {%- if 'load_manifest' not in tables -%}
        {{ exceptions.raise_compiler_error(
            "Landing files not usable (DVZ_LANDING_DIR=" ~ landing_dir() ~ ", landing_format=" ~ landing_format()
            ~ "): no landing tables in database " ~ target.dbname ~ "; " ~ reload
        ) }}
    {%- endif -%}
    {%- set loaded = {} -%}
    {%- for row in run_query("select source, file_path, landing_dir, landing_dir_absolute, landing_format"
        ~ " from landing.load_manifest") -%}
        {%- do loaded.update({row[0]: row}) -%}
    {%- endfor -%}
    {%- set problems = [] -%}
    {%- for source_stem, spec in landing_contract_columns().items() -%}
        {%- set path = landing_dir() ~ '/' ~ landing_file_name(source_stem) -%}
        {%- if source_stem not in loaded or source_stem not in tables -%}
            {%- do problems.append("missing landing file " ~ path ~ " (no table landing." ~ source_stem ~ ")") -%}
        {%- elif loaded[source_stem][4] != landing_format()
            or landing_dir() not in [loaded[source_stem][2], loaded[source_stem][3]] -%}
            {%- do problems.append("landing." ~ source_stem ~ " holds " ~ loaded[source_stem][1]
                ~ ", not " ~ path) -%}
        {%- else -%}
            {%- set present = run_query("select * from " ~ source(spec['source'], source_stem) ~ " limit 0")
                .column_names | map('lower') | reject('equalto', 'source_row_number') | list -%}
            {%- set problem = missing_landing_columns_problem(path, spec['columns'], present) -%}
            {%- if problem -%}{%- do problems.append(problem) -%}{%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do raise_landing_problems(problems, reload) -%}
{% endmacro %}

{#- Spark reads the files where they are (spark_attach_landing_file makes each one the
    relation landing.<source>), after checking that each exists and has the contract
    columns. -#}
{% macro spark__check_landing_files() %}
    {%- set listed = [] -%}
    {%- do run_query("create or replace temporary view dvz_landing_listing using binaryFile options (path "
        ~ string_literal(landing_dir()) ~ ")") -%}
    {%- for listed_path in run_query("select path from dvz_landing_listing").columns[0].values() -%}
        {%- do listed.append(listed_path.split('/')[-1]) -%}
    {%- endfor -%}
    {%- set problems = [] -%}
    {%- do run_query("create database if not exists landing") -%}
    {%- for source_stem, spec in landing_contract_columns().items() -%}
        {%- set path = landing_dir() ~ '/' ~ landing_file_name(source_stem) -%}
        {%- if landing_file_name(source_stem) not in listed -%}
            {%- do problems.append("missing landing file " ~ path) -%}
        {%- else -%}
            {%- do spark_attach_landing_file(source_stem, path) -%}
            {%- set present = run_query("select * from " ~ source(spec['source'], source_stem) ~ " limit 0")
                .column_names | map('lower') | reject('equalto', 'source_row_number') | list -%}
            {%- set problem = missing_landing_columns_problem(path, spec['columns'], present) -%}
            {%- if problem -%}{%- do problems.append(problem) -%}{%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do raise_landing_problems(problems) -%}
{% endmacro %}
