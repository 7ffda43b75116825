-- จัดอันดับความคุ้มค่างบประมาณ: มูลค่าทางเศรษฐกิจต่องบประมาณที่เบิกจ่าย 1 บาท รายโครงการ ปีงบประมาณล่าสุด
-- Budget efficiency ranking: economic value per baht disbursed, by programme, latest fiscal year
SELECT p.program_code, p.name_th AS programme,
       sum(b.budget_allocated_mb) AS budget_allocated_mb, sum(b.budget_disbursed_mb) AS budget_disbursed_mb,
       sum(b.economic_value_mb) AS economic_value_mb,
       round(sum(b.economic_value_mb) / nullif(sum(b.budget_disbursed_mb), 0), 2) AS value_per_baht,
       rank() OVER (ORDER BY sum(b.economic_value_mb) / nullif(sum(b.budget_disbursed_mb), 0) DESC NULLS LAST) AS rank
FROM marts.budget_efficiency AS b
JOIN reference.programs AS p USING (program_code)
WHERE b.fiscal_year = (SELECT max(fiscal_year) FROM marts.budget_efficiency)
GROUP BY ALL
ORDER BY rank, p.program_code;
