-- The OCMW dimension for dashboards: every OCMW by the NIS code of its municipality,
-- with province and region (reference seed of the Statbel municipality list).
with

municipalities as (
    select * from {{ ref('ref_ocmw_municipalities') }}
),

final as (
    select
        nis_code as ocmw_nis_code,
        municipality_nl,
        municipality_fr,
        province_nis_code,
        province_nl,
        province_fr,
        region,
        region_nl
    from municipalities
)

select * from final
