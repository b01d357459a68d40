{#- A code value trimmed of spaces with its ASCII letters upper-cased; empty becomes null
    (RULES.md §2). translate() rather than upper(): only ASCII letters change, as the
    rule says, and it behaves the same on every engine. -#}
{% macro normalise_code(column) %}
    {{- return("translate(" ~ normalise_text(column)
        ~ ", 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')") -}}
{% endmacro %}
