-- ผลการดำเนินงานรายไตรมาสของปีงบประมาณ (ไตรมาส 1 = ต.ค.-ธ.ค.) รายภาค
-- Results by fiscal quarter (quarter 1 = October-December) and region
SELECT fiscal_year, fiscal_quarter, region_no, indicator, sum(value) AS value
FROM marts.kpi_monthly
GROUP BY ALL
ORDER BY fiscal_year, fiscal_quarter, region_no, indicator;
