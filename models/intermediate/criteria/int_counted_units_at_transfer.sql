-- One row per met criterion of a person x flow x episode, in the counting mode that
-- applies (RULES.md §5), with its counted units as they stood on transfer_due_on: the
-- evaluation of RULES.md §5 repeated on the units that exist on that day, numbered in runs
-- by int_existing_units_at_transfer (a unit exists from the later of its own day and its
-- paid date, RULES.md §6). counted_days / counted_months of the eligibility row run to
-- as_of_date and keep growing after the transfer; these do not.
--   consecutive, threshold criteria: the first run of existing units that reaches N;
--   consecutive, prior aid: the run holding the first existing leefloon day after the
--     first existing prior aid day;
--   cumulative: every existing unit of the episode.
with

existing_units as (
    select * from {{ ref('int_existing_units_at_transfer') }}
),

met as (
    select distinct
        insz,
        flow_code,
        episode_number,
        criterion_code,
        counting_mode,
        counted_unit,
        transfer_due_on,
        criterion_kind,
        threshold_value,
        prior_aid_position
    from existing_units
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
    from existing_units
    group by insz, flow_code, episode_number, criterion_code, run_number
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
    where (met.criterion_kind = 'threshold' and runs.run_units >= met.threshold_value)
        or (met.criterion_kind = 'prior_aid' and runs.run_end > met.prior_aid_position)
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
