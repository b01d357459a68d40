{#- on-run-end hook: publish the DVZ delivery files of the batch month (RULES.md §8a,
    CONTRACT.md "DVZ delivery files") into DVZ_EXPORT_DIR, only when this invocation is a
    `dbt build` in which every node passed (every test included) and every model of the
    delivery (tag `dvz_delivery`: the ledger, the batch, the corrections) was built:

      dvz_transfer_batch_<M>.parquet, .csv          the batch (dvz_transfer_batch)
      dvz_transfer_corrections_<M>.parquet, .csv    the corrections (dvz_transfer_corrections)
      dvz_transfer_batch_<M>.manifest.json          counts, SHA-256 and size of each file,
                                                    as_of_date, batch month, ledger months
                                                    read, git commit

    Each file is first written under a temporary name beside its final one, then renamed
    into place (dvz_replace_file, an atomic rename), the manifest last: a reader sees the
    old month or the new one, and a month without its manifest is incomplete (the ledger
    reader stops on it). A failed build writes nothing and leaves the folder as it was.
    The files depend only on the rows (sorted on the delivery key), the vars and the
    commit, so re-making a month with the same inputs gives byte-identical files. Files of
    other months are never touched. Returns SQL for the hook. -#}
{% macro publish_dvz_delivery_files(results) %}
    {{ return(adapter.dispatch('publish_dvz_delivery_files', 'dvz_transfer_warehouse')(results)) }}
{% endmacro %}

{% macro default__publish_dvz_delivery_files(results) %}
    {%- if execute and flags.WHICH == 'build' -%}
        {%- do log("DVZ delivery files: written on DuckDB only; on " ~ target.type
            ~ " read the batch and the corrections from the exports schema.", info=true) -%}
    {%- endif -%}
    {{ return('select 1') }}
{% endmacro %}

{% macro duckdb__publish_dvz_delivery_files(results) %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- set reason = dvz_delivery_not_published_reason(results) -%}
    {%- if reason -%}
        {#- Said where files could be expected (docs generate, compile and the like are silent). -#}
        {%- do log("DVZ delivery files: not written (" ~ reason ~ ").",
            info=flags.WHICH in ['build', 'run', 'test', 'seed', 'snapshot', 'retry']) -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set folder = dvz_export_dir() -%}
    {%- set month = export_batch_month()[:7] -%}
    {%- set names = dvz_delivery_files(month) -%}
    {%- set ledger_months = run_query("select distinct batch_month from "
        ~ dvz_delivery_relation('stg_dvz_ledger__delivery_events') ~ " order by batch_month").columns[0].values() | list -%}
    {#- The export folder may not exist yet (a first build with DVZ_EXPORT_DIR set). -#}
    {%- do run_query("select dvz_make_folder(" ~ string_literal(folder) ~ ")") -%}
    {#- A publication of this month killed between its copies and its renames left temporary
        files: they go first (never a final name). -#}
    {%- do run_query("select dvz_remove_file(file) from glob(" ~ string_literal(folder ~ '/.dvz_transfer_*_' ~ month
        ~ '.*.tmp') ~ ")") -%}
    {#- Every file under its temporary name first: the final names change only below. -#}
    {%- set written = [] -%}
    {%- for kind in ['batch', 'corrections'] -%}
        {%- set rows = "select * from " ~ dvz_delivery_relation(names[kind]['model'])
            ~ " order by insz, flow_code, episode_start" -%}
        {%- for file_format, options in [('parquet', 'format parquet, compression zstd'),
                                         ('csv', 'format csv, header true, delimiter \',\'')] -%}
            {%- set final = folder ~ '/' ~ names[kind][file_format] -%}
            {%- set temporary = folder ~ '/.' ~ names[kind][file_format] ~ '.' ~ invocation_id ~ '.tmp' -%}
            {%- do run_query("copy (" ~ rows ~ ") to " ~ string_literal(temporary) ~ " (" ~ options ~ ")") -%}
            {%- do written.append((temporary, final, kind, file_format)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set file_rows = [] -%}
    {%- set temporary_paths = [] -%}
    {%- for temporary, final, kind, file_format in written -%}
        {%- do file_rows.append("(" ~ string_literal(temporary) ~ ", " ~ string_literal(final.split('/')[-1]) ~ ", "
            ~ string_literal(kind) ~ ", " ~ string_literal(file_format) ~ ")") -%}
        {%- do temporary_paths.append(string_literal(temporary)) -%}
    {%- endfor -%}
    {%- set ledger_month_literals = [] -%}
    {%- for ledger_month in ledger_months -%}{%- do ledger_month_literals.append(string_literal(ledger_month)) -%}{%- endfor -%}
    {%- set manifest_final = folder ~ '/' ~ names['manifest'] -%}
    {%- set manifest_temporary = folder ~ '/.' ~ names['manifest'] ~ '.' ~ invocation_id ~ '.tmp' -%}
    {%- set batch = dvz_delivery_relation('dvz_transfer_batch') -%}
    {%- set corrections = dvz_delivery_relation('dvz_transfer_corrections') -%}
    {%- set manifest -%}
        copy (
            with
            file_names (temporary_path, file, role, file_format) as (
                values {{ file_rows | join(', ') }}
            ),
            described as (
                select
                    file_names.file,
                    file_names.role,
                    file_names.file_format,
                    case file_names.role
                        when 'batch' then (select count(*) from {{ batch }})
                        else (select count(*) from {{ corrections }})
                    end as rows,
                    sha256(blobs.content) as sha256,
                    blobs.size as bytes
                from file_names
                inner join read_blob([{{ temporary_paths | join(', ') }}]) as blobs
                    on file_names.temporary_path = blobs.filename
            )
            select
                'dvz_transfer_delivery' as export_name,
                {{ string_literal(month) }} as batch_month,
                {{ string_literal(as_of_date()) }} as as_of_date,
                (select count(*) from {{ batch }}) as rows_delivered,
                (select count(*) from {{ batch }} where is_late) as late_rows,
                (select count(*) from {{ corrections }}) as corrections,
                -- the batch's row count under its revision-3 name, for readers written then
                (select count(*) from {{ batch }}) as row_count,
                cast([{{ ledger_month_literals | join(', ') }}] as varchar[]) as ledger_months,
                (select list({'file': file, 'role': role, 'format': file_format, 'rows': rows,
                    'sha256': sha256, 'bytes': bytes} order by file) from described) as files,
                {{ git_commit_sql() }} as git_commit,
                {{ string_literal(target.name) }} as dbt_target
        ) to {{ string_literal(manifest_temporary) }} (format json)
    {%- endset -%}
    {%- do run_query(manifest) -%}
    {#- A month already in the folder is replaced: same inputs, same bytes; other bytes are
        said loudly, since the folder must hold what was handed to the DVZ (ADR 0013). -#}
    {%- set before = dvz_ledger_manifest(manifest_final)
        if run_query("select count(*) from glob(" ~ string_literal(manifest_final) ~ ")").columns[0].values()[0] > 0
        else none -%}
    {%- set after = dvz_ledger_manifest(manifest_temporary) -%}
    {#- Into place: the data files, then the manifest that makes the month complete. -#}
    {%- for temporary, final, kind, file_format in written -%}
        {%- do run_query("select dvz_replace_file(" ~ string_literal(temporary) ~ ", " ~ string_literal(final) ~ ")") -%}
    {%- endfor -%}
    {%- do run_query("select dvz_replace_file(" ~ string_literal(manifest_temporary) ~ ", "
        ~ string_literal(manifest_final) ~ ")") -%}
    {%- set counts = run_query("select rows_delivered, late_rows, corrections from read_json("
        ~ string_literal(manifest_final) ~ ")").rows[0] -%}
    {%- if before is not none and before != after -%}
        {%- do exceptions.warn("DVZ delivery files: batch " ~ month ~ " was already in " ~ folder
            ~ " with other content and has been replaced. If the earlier files were handed to the DVZ, restore them:"
            ~ " the ledger must hold what was delivered (RULES.md §8a).") -%}
    {%- endif -%}
    {%- do log("DVZ delivery files: batch " ~ month ~ (" re-made, byte-identical," if before == after else " written")
        ~ " to " ~ folder ~ ": " ~ counts[0] ~ " rows delivered (" ~ counts[1] ~ " late), " ~ counts[2]
        ~ " corrections; ledger months read: " ~ (ledger_months | join(', ') if ledger_months else 'none'), info=true) -%}
    {{ return('select 1') }}
{% endmacro %}

{#- Why this invocation must not publish the delivery files, or none when it may: only a
    `dbt build` in which no node failed, errored or was skipped, and which built every
    model tagged `dvz_delivery` and every model and seed they are computed from, so that
    a batch always comes from this build's landing files, vars and ledger (a selection
    that rebuilds the batch over models of another as_of_date never publishes). -#}
{% macro dvz_delivery_not_published_reason(results) %}
    {%- if flags.WHICH != 'build' -%}
        {{ return("only a `dbt build` whose every test passed writes them; this is `dbt " ~ flags.WHICH ~ "`") }}
    {%- endif -%}
    {%- if flags.EMPTY -%}
        {{ return("`dbt build --empty` builds no row: an empty batch would overwrite the month in the ledger") }}
    {%- endif -%}
    {%- set not_passed = [] -%}
    {%- set built = [] -%}
    {%- for result in results -%}
        {%- if result.status not in ['success', 'pass', 'warn', 'no-op'] -%}
            {%- do not_passed.append(result.node.name ~ ' ' ~ result.status) -%}
        {%- elif result.node.resource_type in ['model', 'seed'] -%}
            {%- do built.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not_passed -%}
        {{ return(not_passed | length ~ " node(s) of this build did not pass: " ~ (not_passed | sort | join(', '))[:500]) }}
    {%- endif -%}
    {#- The delivery models and all their ancestors among models and seeds. -#}
    {%- set needed = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and 'dvz_delivery' in node.tags -%}
        {%- do needed.append(node.unique_id) -%}
    {%- endfor -%}
    {%- for unique_id in needed -%}
        {%- for parent in graph.nodes[unique_id].depends_on.nodes
            if parent in graph.nodes and graph.nodes[parent].resource_type in ['model', 'seed'] and parent not in needed -%}
            {%- do needed.append(parent) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for unique_id in needed if unique_id not in built -%}
        {%- do missing.append(graph.nodes[unique_id].name) -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ return("this build did not build " ~ missing | length ~ " of the models and seeds the delivery is computed from ("
            ~ (missing | sort | join(', '))[:300] ~ "); a batch is published only by a build that makes it from the "
            ~ "landing files: run the whole dbt build") }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}

{#- The built relation of a model of the delivery, by name (hooks have no ref()). -#}
{% macro dvz_delivery_relation(model_name) %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == model_name -%}
        {{ return(node.relation_name) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("DVZ delivery files: no model named " ~ model_name) }}
{% endmacro %}
