{#- A landing text value without its leading and trailing spaces; empty becomes null
    (RULES.md §2). Only the ASCII space is trimmed, as the rule says ("lose leading and
    trailing spaces"): DuckDB's one-argument trim() also drops Unicode spaces such as the
    no-break space, which would merge keys the rule keeps apart. Used for business keys,
    references and, through normalise_code, codes. -#}
{% macro normalise_text(column) %}
    {{- return("nullif(trim(both ' ' from cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")), '')") -}}
{% endmacro %}
