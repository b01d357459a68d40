-- One row per met criterion of a person x flow x episode, in the counting mode that
-- applies (RULES.md §5), with its counted units as they stood on transfer_due_on: the
-- evaluation of RULES.md §5 repeated with only the units that exist on that day (a unit
-- exists from the later of its own day and its paid date, RULES.md §6). counted_days /
-- counted_months of the eligibility row run to as_of_date and keep growing after the
-- transfer; these do not.
--   consecutive, threshold criteria: the first run of existing units that reaches N;
--   consecutive, prior aid: the run holding the first existing leefloon day after the
--     first existing prior aid day;
--   cumulative: every existing unit of the episode.
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

runs as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        run_number,
        max(piece_end) as run_end,
        sum(piece_end - piece_start + 1) as run_units
    from run_numbered
    group by insz, flow_code, episode_number, criterion_code, run_number
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
        end as prior_position
    from met
    inner join segments
        on met.insz = segments.insz
            and met.prior_aid_flow_code = segments.flow_code
    where met.criterion_kind = 'prior_aid'
        and segments.paid_date <= met.transfer_due_on
        and segments.segment_start <= met.transfer_due_on
    group by met.insz, met.flow_code, met.episode_number, met.criterion_code, met.counted_unit
),

qualifying_runs as (
    select
        runs.insz,
        runs.flow_code,
        runs.episode_number,
        runs.criterion_code,
        runs.run_units,
        row_number() over (
            partition by runs.insz, runs.flow_code, runs.episode_number, runs.criterion_code
            order by runs.run_number
        ) as run_order
    from runs
    inner join met
        on runs.insz = met.insz
            and runs.flow_code = met.flow_code
            and runs.episode_number = met.episode_number
            and runs.criterion_code = met.criterion_code
    left join first_existing_prior_aid
        on runs.insz = first_existing_prior_aid.insz
            and runs.flow_code = first_existing_prior_aid.flow_code
            and runs.episode_number = first_existing_prior_aid.episode_number
            and runs.criterion_code = first_existing_prior_aid.criterion_code
    where (met.criterion_kind = 'threshold' and runs.run_units >= met.threshold_value)
        or (met.criterion_kind = 'prior_aid' and runs.run_end > first_existing_prior_aid.prior_position)
),

episode_units as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        sum(run_units) as run_units
    from runs
    group by insz, flow_code, episode_number, criterion_code
),

at_transfer as (
    select
        met.insz,
        met.flow_code,
        met.episode_number,
        met.criterion_code,
        met.counting_mode,
        met.counted_unit,
        met.transfer_due_on,
        case
            when met.counting_mode = 'consecutive' then qualifying_runs.run_units
            else episode_units.run_units
        end as counted_units_at_transfer
    from met
    left join qualifying_runs
        on met.insz = qualifying_runs.insz
            and met.flow_code = qualifying_runs.flow_code
            and met.episode_number = qualifying_runs.episode_number
            and met.criterion_code = qualifying_runs.criterion_code
            and qualifying_runs.run_order = 1
    left join episode_units
        on met.insz = episode_units.insz
            and met.flow_code = episode_units.flow_code
            and met.episode_number = episode_units.episode_number
            and met.criterion_code = episode_units.criterion_code
),

final as (
    select
        insz,
        flow_code,
        episode_number,
        criterion_code,
        counting_mode,
        transfer_due_on,
        cast(case when counted_unit = 'day' then counted_units_at_transfer end as integer)
            as counted_days_at_transfer,
        cast(case when counted_unit = 'month' then counted_units_at_transfer end as integer)
            as counted_months_at_transfer
    from at_transfer
)

select * from final
