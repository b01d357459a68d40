{#- The secret salt of person_key (RULES.md §8), from the environment variable
    DVZ_PERSON_KEY_SALT, for the engines that inline it in SQL (PostgreSQL, Spark; DuckDB
    never reads it in Jinja: plugins/dvz_duckdb.py hands it to the session). Only the dev
    target (and the in-memory lint target) may fall back to a demo salt, and says so; any
    other target refuses to run without it. -#}
{% macro person_key_salt() %}
    {%- set salt = env_var('DVZ_PERSON_KEY_SALT', '') -%}
    {%- if salt != '' -%}
        {{ return(salt) }}
    {%- elif target.name in ['dev', 'lint'] -%}
        {{ return('dvz-demo-salt-not-for-production') }}
    {%- else -%}
        {{ raise_missing_person_key_salt() }}
    {%- endif -%}
{% endmacro %}

{#- Stop the run: this target has no salt (one wording for every engine). -#}
{% macro raise_missing_person_key_salt() %}
    {{ exceptions.raise_compiler_error(
        "DVZ_PERSON_KEY_SALT is not set: the " ~ target.name ~ " target needs the secret salt of "
        ~ "person_key (RULES.md §8); only the dev target falls back to a demo salt."
    ) }}
{% endmacro %}

{#- on-run-start (validate_run_knobs): say once per run when the demo salt is in use (never
    the salt itself), and stop a target that has none, before any node runs. -#}
{% macro announce_person_key_salt() %}
    {{ return(adapter.dispatch('announce_person_key_salt', 'dvz_transfer_warehouse')()) }}
{% endmacro %}

{% macro default__announce_person_key_salt() %}
    {%- if env_var('DVZ_PERSON_KEY_SALT', '') == '' -%}
        {%- do person_key_salt() -%}
        {%- do log_demo_person_key_salt() -%}
    {%- endif -%}
{% endmacro %}

{#- DuckDB: ask the session where its salt came from (the plugin sets
    dvz_person_key_salt_source), so the salt never passes through Jinja. -#}
{% macro duckdb__announce_person_key_salt() %}
    {%- set salt_source = run_query("select getvariable('dvz_person_key_salt_source')").columns[0].values()[0] -%}
    {%- if salt_source is none -%}
        {{ raise_missing_person_key_salt() }}
    {%- elif salt_source == 'demo' -%}
        {%- do log_demo_person_key_salt() -%}
    {%- endif -%}
{% endmacro %}

{% macro log_demo_person_key_salt() %}
    {%- do log("DVZ_PERSON_KEY_SALT is not set: target " ~ target.name
        ~ " uses the DEMO salt; person_key values are not pseudonymous. Never use them outside development.",
        info=true) -%}
{% endmacro %}
