-- โรงงานตามหมวดอุตสาหกรรม (TSIC section) ทั้งประเทศ เดือนล่าสุด
-- Factories by TSIC section nationally, latest month
SELECT tsic_section, sum(factories) AS factories, sum(workers_total) AS workers,
       sum(production_value_mb) AS production_value_mb, sum(electricity_mwh) AS electricity_mwh
FROM marts.industry_by_province
WHERE period = (SELECT max(period) FROM marts.industry_by_province)
GROUP BY ALL
ORDER BY factories DESC, tsic_section;
