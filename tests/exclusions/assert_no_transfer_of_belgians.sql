-- RULES.md §7.1: a person Belgian on transfer_due_on (nationality BE and belgian_since
-- null or on or before that day) is never transferred. Re-derived from the staged
-- person record, not from the status model. Fails with every offending row.
select
    eligibility.insz,
    eligibility.flow_code,
    eligibility.transfer_due_on,
    persons.nationality_code,
    persons.belgian_since
from {{ ref('fct_transfer_eligibility') }} as eligibility
inner join {{ ref('stg_national_register__persons') }} as persons
    on eligibility.insz = persons.insz
where eligibility.transfer_status = 'TRANSFER'
    and persons.nationality_code = 'BE'
    and (persons.belgian_since is null or persons.belgian_since <= eligibility.transfer_due_on)
