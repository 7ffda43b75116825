-- ผลรายเดือนทั้งประเทศเทียบเดือนก่อนหน้า (ผู้ประกอบการและมูลค่าทางเศรษฐกิจ)
-- National monthly results against the month before (entrepreneurs and economic value)
WITH monthly AS (
    SELECT period, indicator, sum(value) AS value
    FROM marts.kpi_monthly
    WHERE indicator IN ('entrepreneurs', 'economic_value_mb')
    GROUP BY ALL
)
SELECT period, indicator, value,
       lag(value) OVER (PARTITION BY indicator ORDER BY period) AS previous_month,
       round(100 * (value / nullif(lag(value) OVER (PARTITION BY indicator ORDER BY period), 0) - 1), 1) AS change_pct
FROM monthly
ORDER BY indicator, period;
