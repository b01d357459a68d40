-- Every landing row of aid_decisions with its own defect and its reference defect
-- (RULES.md §2): the beneficiary must have a staged person (UNKNOWN_PERSON otherwise).
-- The input of the placement (stg_pod_mi__aid_decision_versions, macro
-- place_landing_versions).
-- A view: only the placement reads it, as part of its own query (a table would write
-- every landing row once more).
{{ check_person_reference(ref('base_pod_mi__aid_decisions'), ref('stg_national_register__persons')) }}
