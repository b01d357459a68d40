{#- The secret salt of person_key (RULES.md §8), from the environment variable
    DVZ_PERSON_KEY_SALT. Only the dev target (and the in-memory lint target) may fall back
    to a demo salt, and says so; any other target refuses to run without it. -#}
{% macro person_key_salt() %}
    {%- set salt = env_var('DVZ_PERSON_KEY_SALT', '') -%}
    {%- if salt != '' -%}
        {{ return(salt) }}
    {%- elif target.name in ['dev', 'lint'] -%}
        {{ return('dvz-demo-salt-not-for-production') }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "DVZ_PERSON_KEY_SALT is not set: the " ~ target.name ~ " target needs the secret salt of "
            ~ "person_key (RULES.md §8); only the dev target falls back to a demo salt."
        ) }}
    {%- endif -%}
{% endmacro %}

{#- Say once per run which salt kind is in use (never the salt itself). -#}
{% macro announce_person_key_salt() %}
    {%- if env_var('DVZ_PERSON_KEY_SALT', '') == '' -%}
        {%- do person_key_salt() -%}
        {%- do log("DVZ_PERSON_KEY_SALT is not set: target " ~ target.name
            ~ " uses the DEMO salt; person_key values are not pseudonymous. Never use them outside development.",
            info=true) -%}
    {%- endif -%}
{% endmacro %}
