{{ config(materialized='view') }}
-- The units of each met criterion that exist on its transfer_due_on (a unit exists from
-- the later of its own day and its paid date, RULES.md §6), in the counting mode that
-- applies (RULES.md §5), as integer positions numbered in runs: the one input of
-- int_counted_units_at_transfer, which repeats the evaluation of RULES.md §5 on them.
-- Each row carries its criterion, and for the prior-aid criterion the position of the
-- first prior aid day existing on transfer_due_on.
with

criteria as (
    select
        flow_code,
        criterion_code,
        criterion_kind,
        threshold_value,
        prior_aid_flow_code
    from {{ ref('int_rules__criteria_in_force') }}
),

evaluations as (
    select * from {{ ref('int_criterion_evaluations') }}
),

segments as (
    select * from {{ ref('int_counted_day_segments') }}
),

counted_months as (
    select * from {{ ref('int_counted_months') }}
),

met as (
    select
        evaluations.insz,
        evaluations.flow_code,
        evaluations.episode_number,
        evaluations.criterion_code,
        evaluations.counting_mode,
        evaluations.transfer_due_on,
        evaluations.counted_unit,
        criteria.criterion_kind,
        criteria.threshold_value,
        criteria.prior_aid_flow_code
    from evaluations
    inner join criteria
        on evaluations.flow_code = criteria.flow_code
            and evaluations.criterion_code = criteria.criterion_code
    where evaluations.is_in_applicable_counting_mode
),

-- Units as integer positions so that days and months share one run numbering: a day is
-- its number of days since a fixed epoch (any date would do), a month its month index.
existing_days as (
    select
        met.insz,
        met.flow_code,
        met.episode_number,
        met.criterion_code,
        {{ days_between("cast('2000-01-01' as date)", 'segments.segment_start') }} as piece_start,
        {{ days_between("cast('2000-01-01' as date)", 'least(segments.segment_end, met.transfer_due_on)') }}
            as piece_end
    from met
    inner join segments
        on met.insz = segments.insz
            and met.flow_code = segments.flow_code
            and met.episode_number = segments.episode_number
    where met.counted_unit = 'day'
        and segments.paid_date <= met.transfer_due_on
        and segments.segment_start <= met.transfer_due_on
),

existing_months as (
    select
        met.insz,
        met.flow_code,
        met.episode_number,
        met.criterion_code,
        counted_months.month_index as piece_start,
        counted_months.month_index as piece_end
    from met
    inner join counted_months
        on met.insz = counted_months.insz
            and met.flow_code = counted_months.flow_code
            and met.episode_number = counted_months.episode_number
    where met.counted_unit = 'month'
        and counted_months.month_exists_on <= met.transfer_due_on
),

existing_units as (
    select * from existing_days
    union all
    select * from existing_months
),

run_numbered as (
    {{ number_runs(
        'existing_units', ['insz', 'flow_code', 'episode_number', 'criterion_code'],
        'piece_start', 'piece_end', unit='integer'
    ) }}
),

-- prior aid: the first prior aid day existing on transfer_due_on, as a position in the
-- criterion's unit
first_existing_prior_aid as (
    select
        met.insz,
        met.flow_code,
        met.episode_number,
        met.criterion_code,
        case
            when met.counted_unit = 'day'
                then {{ days_between("cast('2000-01-01' as date)", 'min(segments.segment_start)') }}
            else {{ month_index('min(segments.segment_start)') }}
        end as prior_aid_position
    from met
    inner join segments
        on met.insz = segments.insz
            and met.prior_aid_flow_code = segments.flow_code
    where met.criterion_kind = 'prior_aid'
        and segments.paid_date <= met.transfer_due_on
        and segments.segment_start <= met.transfer_due_on
    group by met.insz, met.flow_code, met.episode_number, met.criterion_code, met.counted_unit
),

final as (
    select
        met.insz,
        met.flow_code,
        met.episode_number,
        met.criterion_code,
        met.counting_mode,
        met.counted_unit,
        met.transfer_due_on,
        met.criterion_kind,
        met.threshold_value,
        first_existing_prior_aid.prior_aid_position,
        run_numbered.piece_start,
        run_numbered.piece_end,
        run_numbered.run_number
    from met
    inner join run_numbered
        on met.insz = run_numbered.insz
            and met.flow_code = run_numbered.flow_code
            and met.episode_number = run_numbered.episode_number
            and met.criterion_code = run_numbered.criterion_code
    left join first_existing_prior_aid
        on met.insz = first_existing_prior_aid.insz
            and met.flow_code = first_existing_prior_aid.flow_code
            and met.episode_number = first_existing_prior_aid.episode_number
            and met.criterion_code = first_existing_prior_aid.criterion_code
)

select * from final
