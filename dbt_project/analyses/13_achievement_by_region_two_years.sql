-- ผลสำเร็จเทียบเป้าหมาย (ผู้ประกอบการ) รายภาค ปีงบประมาณ 2565 เทียบกับ 2564
-- Achievement against target (entrepreneurs) by region, FY2565 against FY2564
SELECT k.region_no, r.name_th AS region,
       sum(k.target) FILTER (WHERE k.fiscal_year = 2564) AS target_2564,
       sum(k.actual) FILTER (WHERE k.fiscal_year = 2564) AS actual_2564,
       round(100 * actual_2564 / nullif(target_2564, 0), 1) AS achievement_pct_2564,
       sum(k.target) FILTER (WHERE k.fiscal_year = 2565) AS target_2565,
       sum(k.actual) FILTER (WHERE k.fiscal_year = 2565) AS actual_2565,
       round(100 * actual_2565 / nullif(target_2565, 0), 1) AS achievement_pct_2565
FROM marts.kpi_fiscal_year AS k
JOIN reference.regions AS r USING (region_no)
WHERE k.indicator = 'entrepreneurs' AND k.fiscal_year IN (2564, 2565)
GROUP BY ALL
ORDER BY k.region_no;
