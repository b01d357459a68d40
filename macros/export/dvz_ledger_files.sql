{#- The delivery ledger as it stands before the batch month (RULES.md §8a): the batch and
    correction files of every month before `export_batch_month` found in DVZ_EXPORT_DIR,
    checked, as {'months': ['2025-04', ...], 'batch': [(month, path), ...],
    'corrections': [(month, path), ...]}. Files of the batch month or later are never
    read. An empty folder (or, on DuckDB, a missing one) is an empty ledger.

    A month's files are trusted only as its manifest describes them, so the run stops,
    naming the file, when a month has delivery files but no manifest, when a file the
    manifest lists is missing or differs from the manifest's SHA-256 or size, or when a
    Parquet file is not Parquet or lacks the columns of dvz_delivery_files(). Runs at
    execution time (the folder is read when the model runs, never at parse time). The
    file system is reached through dvz_ledger_folder_files, dvz_ledger_manifest,
    dvz_ledger_fingerprints and dvz_ledger_parquet_columns (DuckDB, Spark); PostgreSQL
    reads the tables its loader filled instead (read_dvz_ledger, ADR 0013). -#}
{% macro dvz_ledger_files() %}
    {%- set ledger = {'months': [], 'batch': [], 'corrections': []} -%}
    {%- if not execute -%}{{ return(ledger) }}{%- endif -%}
    {%- set folder = dvz_export_dir() -%}
    {%- set found = {} -%}
    {%- for name in dvz_ledger_folder_files(folder) -%}
        {%- set role = dvz_delivery_file_role(name) -%}
        {%- if role is not none and role[0] < export_batch_month()[:7] -%}
            {%- do found.setdefault(role[0], []).append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for month in found.keys() | sort -%}
        {%- set files = dvz_delivery_files(month) -%}
        {%- set manifest_path = folder ~ '/' ~ files['manifest'] -%}
        {%- if files['manifest'] not in found[month] -%}
            {%- do dvz_ledger_problem(folder ~ '/' ~ (found[month] | sort | first),
                "has no manifest (" ~ files['manifest'] ~ "): the delivery of " ~ month ~ " is incomplete") -%}
        {%- endif -%}
        {%- set listed = dvz_ledger_manifest(manifest_path) -%}
        {%- for kind in ['batch', 'corrections'] -%}
            {%- for name in [files[kind]['parquet'], files[kind]['csv']] -%}
                {%- if name not in listed -%}
                    {%- do dvz_ledger_problem(manifest_path, "does not list " ~ name) -%}
                {%- elif name not in found[month] -%}
                    {%- do dvz_ledger_problem(folder ~ '/' ~ name, "is missing (" ~ files['manifest'] ~ " lists it)") -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for kind in ['batch', 'corrections'] -%}
            {%- set path = folder ~ '/' ~ files[kind]['parquet'] -%}
            {%- set present = dvz_ledger_parquet_columns(path) -%}
            {%- if present is none -%}
                {%- do dvz_ledger_problem(path, "is not a valid Parquet file") -%}
            {%- endif -%}
            {%- set expected = [] -%}
            {%- for name, type in files[kind]['columns'] -%}
                {%- do expected.append((name, type) if present and present[0][1] is not none else (name, none)) -%}
            {%- endfor -%}
            {%- if present != expected -%}
                {%- do dvz_ledger_problem(path, "has the wrong columns: expected " ~ dvz_columns_text(expected)
                    ~ "; found " ~ dvz_columns_text(present)) -%}
            {%- endif -%}
            {%- do ledger[kind].append((month, path)) -%}
        {%- endfor -%}
        {%- set paths = [] -%}
        {%- for name in listed.keys() | sort -%}{%- do paths.append(folder ~ '/' ~ name) -%}{%- endfor -%}
        {%- set actual = dvz_ledger_fingerprints(paths) -%}
        {%- for name in listed.keys() | sort -%}
            {%- if actual[name] != listed[name] -%}
                {%- do dvz_ledger_problem(folder ~ '/' ~ name, "does not match its manifest " ~ files['manifest']
                    ~ " (SHA-256 " ~ actual[name][0] ~ ", " ~ actual[name][1] ~ " bytes; the manifest says "
                    ~ listed[name][0] ~ ", " ~ listed[name][1] ~ " bytes)") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do ledger['months'].append(month) -%}
    {%- endfor -%}
    {{ return(ledger) }}
{% endmacro %}

{#- Stop the run on a ledger file that cannot be trusted, naming it and what to do. -#}
{% macro dvz_ledger_problem(path, problem) %}
    {{ exceptions.raise_compiler_error(
        "DVZ delivery ledger: " ~ path ~ " " ~ problem ~ ". The export folder (DVZ_EXPORT_DIR) is the ledger of "
        ~ "what was delivered (RULES.md §8a): restore the file from the folder's backup, or re-make that month's "
        ~ "batch with the landing files, as_of_date and earlier ledger files it was made with."
    ) }}
{% endmacro %}

{#- Columns as `name type, ...` (or `name, ...` without types) for a message. -#}
{% macro dvz_columns_text(columns) %}
    {%- set parts = [] -%}
    {%- for name, type in columns -%}{%- do parts.append(name ~ (' ' ~ type if type else '')) -%}{%- endfor -%}
    {{ return(parts | join(', ')) }}
{% endmacro %}
