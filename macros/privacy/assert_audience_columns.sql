{#- Post-hook of every published model (marts, reporting, exports): the privacy guard of
    RULES.md §8. A published model declares its audience with exactly one tag:
    `restricted` (may carry the insz: eligibility, quarantine rows, the DVZ export) or
    `dashboard` (pseudonymised, for BI). A dashboard model whose built relation has a
    column named `insz` or `birth_date`, or named like any column tagged `pii` anywhere in
    the project, is dropped and the build fails naming the model and the columns. The
    columns are read from the database, so an undocumented column is caught too. -#}
{% macro assert_audience_columns() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set audiences = model.tags | select('in', ['restricted', 'dashboard']) | list -%}
    {%- if audiences | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "Privacy guard (RULES.md §8): published model " ~ model.name ~ " must carry exactly one audience tag, "
            ~ "'restricted' or 'dashboard'; it has " ~ (audiences | join(', ') or 'none') ~ "."
        ) }}
    {%- endif -%}
    {%- if audiences[0] == 'dashboard' -%}
        {%- set forbidden = personal_data_column_names() -%}
        {%- set found = [] -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- if column.name | lower in forbidden -%}{%- do found.append(column.name | lower) -%}{%- endif -%}
        {%- endfor -%}
        {%- if found | length > 0 -%}
            {%- set built = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
            {%- if built is not none -%}{%- do adapter.drop_relation(built) -%}{%- endif -%}
            {{ exceptions.raise_compiler_error(
                "Privacy guard (RULES.md §8): dashboard model " ~ model.name ~ " carries personal data column(s) "
                ~ found | sort | join(', ') ~ "; dashboard marts carry person_key only. The relation was dropped."
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
