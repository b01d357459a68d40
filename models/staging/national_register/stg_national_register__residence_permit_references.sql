-- Every landing row of residence_permits with its own defect and its reference defect
-- (RULES.md §2): the holder must have a staged person (UNKNOWN_PERSON otherwise). The
-- input of the placement (stg_national_register__residence_permit_versions, macro
-- place_landing_versions).
-- A view: only the placement reads it, as part of its own query (a table would write
-- every landing row once more).
{{ check_person_reference(ref('base_national_register__residence_permits'), ref('stg_national_register__persons')) }}
