-- The date dimension for dashboards: one row per calendar day from the var
-- calendar_start_date up to as_of_date (RULES.md §1: days after it are not looked at).
with

days as (
    {{ dbt.date_spine(
        datepart='day',
        start_date=calendar_start_date_sql(),
        end_date=add_days(as_of_date_sql(), 1)
    ) }}
),

final as (
    select
        cast(date_day as date) as date_day,
        {{ month_start('cast(date_day as date)') }} as month_start,
        extract(year from date_day) as year_number,
        extract(quarter from date_day) as quarter_number,
        extract(month from date_day) as month_number,
        extract(day from date_day) as day_of_month
    from days
)

select * from final
