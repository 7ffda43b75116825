-- ผลการดำเนินงานเทียบเป้าหมาย รายภาค ปีงบประมาณล่าสุด
-- Achievement against target by region, latest fiscal year
SELECT k.region_no, r.name_th AS region, k.indicator,
       sum(k.target) AS target, sum(k.actual) AS actual,
       round(100 * sum(k.actual) / nullif(sum(k.target), 0), 1) AS achievement_pct
FROM marts.kpi_fiscal_year AS k
JOIN reference.regions AS r USING (region_no)
WHERE k.fiscal_year = (SELECT max(fiscal_year) FROM marts.kpi_fiscal_year)
GROUP BY ALL
ORDER BY k.region_no, k.indicator;
