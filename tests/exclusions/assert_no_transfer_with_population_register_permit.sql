-- RULES.md §7.2: nobody holding a population-register permit valid on transfer_due_on is
-- transferred: register POPULATION, or a population-register card - C, D, E+, F+ and
-- the 2021 names K, L, EU+, and M+. The card list is written out here on purpose, from
-- the rule, so a wrong reference seed cannot hide a transfer.
select
    eligibility.insz,
    eligibility.flow_code,
    eligibility.transfer_due_on,
    permits.permit_id,
    permits.document_type,
    permits.register,
    permits.valid_from,
    permits.valid_to
from {{ ref('fct_transfer_eligibility') }} as eligibility
inner join {{ ref('stg_national_register__residence_permits') }} as permits
    on eligibility.insz = permits.insz
where eligibility.transfer_status = 'TRANSFER'
    and (
        permits.register = 'POPULATION'
        or permits.document_type in ('C', 'D', 'E+', 'F+', 'K', 'L', 'EU+', 'M+')
    )
    and permits.valid_from <= eligibility.transfer_due_on
    and (permits.valid_to is null or permits.valid_to >= eligibility.transfer_due_on)
