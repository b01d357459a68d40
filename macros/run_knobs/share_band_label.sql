{#- The label of a band bounded by a share var, derived from the var so label and share
    never disagree: `at_least` and threshold_pipeline_upper_share 0.75 give `at_least_75_pct`,
    0.125 gives `at_least_12_5_pct`. The share is validated by share_var. -#}
{% macro share_band_label(prefix, var_name) %}
    {%- set percent = "%g" | format(share_var(var_name) * 100) -%}
    {{ return(prefix ~ "_" ~ percent.replace(".", "_") ~ "_pct") }}
{% endmacro %}
