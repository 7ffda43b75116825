-- ผลทั้งประเทศรายปีงบประมาณเทียบปีก่อน ทุกตัวชี้วัด
-- National results by fiscal year against the year before, every indicator
SELECT fiscal_year, indicator, target, actual, achievement_pct,
       lag(actual) OVER (PARTITION BY indicator ORDER BY fiscal_year) AS previous_year,
       round(100 * (actual / nullif(lag(actual) OVER (PARTITION BY indicator ORDER BY fiscal_year), 0) - 1), 1) AS change_pct
FROM marts.kpi_national
ORDER BY indicator, fiscal_year;
