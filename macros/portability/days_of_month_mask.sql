{#- The days start_date..end_date of one calendar month as a bit mask: bit d - 1 set for
    day d of the month (at most 31 bits, a bigint). Both dates must lie in the same month.
    Masks of one month combine with bit_or and count with count_set_bits: distinct days
    without a window (int_person_benefit_durations). -#}
{% macro days_of_month_mask(start_date, end_date) %}
    {{- return(
        "(cast(power(2, extract(day from " ~ end_date ~ ")) as bigint)"
        ~ " - cast(power(2, extract(day from " ~ start_date ~ ") - 1) as bigint))"
    ) -}}
{% endmacro %}
