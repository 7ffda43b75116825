-- ข้อผิดพลาดที่พบบ่อยที่สุด ตามกฎตรวจสอบคุณภาพ
-- The most frequent findings, by quality rule
SELECT f.rule_id, f.severity, r.message_th, r.message_en,
       count(*) AS findings, count(DISTINCT f.path) AS files, count(DISTINCT f.submitter) AS submitters
FROM quality.findings AS f
JOIN reference.quality_rules AS r USING (rule_id)
GROUP BY ALL
ORDER BY findings DESC, f.rule_id;
