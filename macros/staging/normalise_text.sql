{#- A landing text value without its leading and trailing spaces; empty becomes null
    (RULES.md §2). Only the ASCII space is trimmed, as the rule says ("lose leading and
    trailing spaces"): DuckDB's one-argument trim() also drops Unicode spaces such as the
    no-break space, which would merge keys the rule keeps apart. Used for business keys,
    references and, through normalise_code, codes. Most values have no edge space: two
    LIKE tests skip the trim for them (trim with a character list is about 3x dearer than
    the tests on DuckDB, and the result is the same). -#}
{% macro normalise_text(column) %}
    {%- set text = "cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")" -%}
    {{- return("nullif(case when " ~ text ~ " like ' %' or " ~ text ~ " like '% ' then trim(both ' ' from "
        ~ text ~ ") else " ~ text ~ " end, '')") -}}
{% endmacro %}
