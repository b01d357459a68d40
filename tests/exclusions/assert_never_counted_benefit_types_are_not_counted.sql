-- RULES.md §3: medical aid and every employment measure of the leefloon scheme
-- (LEEFLOON_EMPLOYMENT) and of social assistance other than article 60
-- (SOCIAL_ASSISTANCE_OTHER_EMPLOYMENT) never count for any flow. Checks the counted
-- days themselves, through the decision that gives each its count.
select
    segments.insz,
    segments.flow_code,
    segments.segment_start,
    segments.decision_id,
    decisions.benefit_type
from {{ ref('int_counted_day_segments') }} as segments
inner join {{ ref('stg_pod_mi__aid_decisions') }} as decisions
    on segments.decision_id = decisions.decision_id
where decisions.benefit_type in ('MEDICAL_AID', 'LEEFLOON_EMPLOYMENT', 'SOCIAL_ASSISTANCE_OTHER_EMPLOYMENT')
    or (decisions.legal_scheme = 'OCMW' and decisions.aid_form = 'MEDICAL_AID')
    or (decisions.legal_scheme = 'RMI' and decisions.aid_form in ('ART60_EMPLOYMENT', 'OTHER_EMPLOYMENT'))
    or (decisions.legal_scheme = 'OCMW' and decisions.aid_form = 'OTHER_EMPLOYMENT')
