{#- on-run-start hook: check every run knob and every landing file once, before any
    node runs, so a bad knob or a missing file gives one clear message (CONTRACT.md §1). -#}
{% macro validate_run_knobs() %}
    {%- do as_of_date() -%}
    {%- do landing_format() -%}
    {%- do counting_mode_override() -%}
    {%- do enabled_deferred_flows() -%}
    {%- do export_batch_month() -%}
    {%- do calendar_start_date_sql() -%}
    {%- for share in ['threshold_pipeline_lower_share', 'threshold_pipeline_upper_share',
        'circuit_breaker_max_shrink_share', 'circuit_breaker_max_quarantined_share'] -%}
        {%- do share_var(share) -%}
    {%- endfor -%}
    {#- the progress bands of fct_threshold_progress are named after these two shares: equal
        or reversed shares would give two bands one name, or an empty middle band -#}
    {%- set lower_share = share_var('threshold_pipeline_lower_share') -%}
    {%- set upper_share = share_var('threshold_pipeline_upper_share') -%}
    {%- if lower_share >= upper_share -%}
        {{ exceptions.raise_compiler_error(
            "Invalid vars threshold_pipeline_lower_share (" ~ lower_share ~ ") and threshold_pipeline_upper_share ("
            ~ upper_share ~ "): the lower share must be below the upper one (the progress bands are named after "
            ~ "them, e.g. 0.5 and 0.75)."
        ) }}
    {%- endif -%}
    {%- if execute -%}
        {#- at execution only: these query the database (the salt itself never reaches Jinja, ADR 0009) -#}
        {%- do announce_person_key_salt() -%}
        {%- do check_landing_files() -%}
        {%- do check_enabled_deferred_flows() -%}
    {%- endif -%}
    {{- return('select 1') -}}
{% endmacro %}
