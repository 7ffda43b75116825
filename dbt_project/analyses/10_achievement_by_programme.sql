-- ผลสำเร็จรายโครงการ ทุกปีงบประมาณ: ผู้ประกอบการ ผลิตภัณฑ์ และมูลค่าทางเศรษฐกิจ
-- Achievement by programme and fiscal year: entrepreneurs, products and economic value
SELECT k.fiscal_year, k.program_code, p.name_th AS programme, k.indicator,
       sum(k.target) AS target, sum(k.actual) AS actual,
       round(100 * sum(k.actual) / nullif(sum(k.target), 0), 1) AS achievement_pct
FROM marts.kpi_fiscal_year AS k
JOIN reference.programs AS p USING (program_code)
WHERE k.indicator IN ('entrepreneurs', 'products', 'economic_value_mb')
GROUP BY ALL
ORDER BY k.fiscal_year, k.program_code, k.indicator;
