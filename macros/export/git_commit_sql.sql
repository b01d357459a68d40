{#- SQL expression for the git commit the warehouse was built from, for the export
    manifest: DVZ_GIT_COMMIT when set (scripts/run.sh sets it), else read from the `.git`
    folder of the directory dbt runs from (a detached HEAD, a loose or a packed branch
    ref), else 'unknown'. Reads files through glob patterns so a missing file yields no
    row instead of an error. DuckDB only (read_text). -#}
{% macro git_commit_sql() %}
    {%- set configured = env_var('DVZ_GIT_COMMIT', '') | trim -%}
    {%- if configured != '' -%}
        {{ return(string_literal(configured)) }}
    {%- endif -%}
    {%- set git_dir = env_var('PWD', '.') ~ '/.git' -%}
    {{ return(
        "(with head as (select trim(content, chr(10) || chr(13) || ' ') as head from read_text(" ~ string_literal(git_dir ~ "/HEA[D]") ~ ")),"
        ~ " loose_refs as (select trim(content, chr(10) || chr(13) || ' ') as sha, substr(filename, length(" ~ string_literal(git_dir ~ "/") ~ ") + 1) as ref"
        ~ " from read_text(" ~ string_literal(git_dir ~ "/refs/heads/*") ~ ")),"
        ~ " packed_refs as (select split_part(line, ' ', 1) as sha, split_part(line, ' ', 2) as ref"
        ~ " from (select unnest(string_split(content, chr(10))) as line from read_text(" ~ string_literal(git_dir ~ "/packed-ref[s]") ~ "))),"
        ~ " resolved as (select case when head.head like 'ref: %' then coalesce("
        ~ "(select max(sha) from loose_refs where ref = substr(head.head, 6)),"
        ~ " (select max(sha) from packed_refs where ref = substr(head.head, 6))) else head.head end as sha from head)"
        ~ " select coalesce((select max(sha) from resolved), 'unknown'))"
    ) }}
{% endmacro %}
