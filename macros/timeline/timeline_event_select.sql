{#- The select list of one kind of timeline event: every column of
    timeline_event_columns(), in order and cast to its type - the column itself where the
    kind has it (listed in `present_columns`, named as in the timeline), null where it has
    no such fact. So each event CTE prepares only what it knows, and the union of the
    kinds always lines up. -#}
{% macro timeline_event_select(present_columns) %}
    {%- set known = timeline_event_columns() | map(attribute=0) | list -%}
    {%- for name in present_columns -%}
        {%- if name not in known -%}
            {{ exceptions.raise_compiler_error("timeline_event_select: unknown timeline column " ~ name
                ~ "; the columns are " ~ known | join(', ')) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set columns = [] -%}
    {%- for name, type in timeline_event_columns() -%}
        {%- set value = name if name in present_columns else 'null' -%}
        {%- do columns.append("cast(" ~ value ~ " as " ~ type ~ ") as " ~ name) -%}
    {%- endfor -%}
    {{- return(columns | join(',\n        ')) -}}
{% endmacro %}
