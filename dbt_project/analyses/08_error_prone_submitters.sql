-- หน่วยงานที่ข้อมูลผิดพลาดบ่อย: สัดส่วนแถวที่ถูกกักไว้ตรวจสอบ
-- Error-prone submitters: the share of their rows quarantined
SELECT source, submitter, sum(files) AS files, sum(rows_read) AS rows_read,
       sum(rows_quarantined) AS rows_quarantined, sum(warnings) AS warnings,
       round(100 * sum(rows_quarantined) / nullif(sum(rows_read), 0), 1) AS quarantined_pct
FROM quality.submission_quality
GROUP BY ALL
ORDER BY quarantined_pct DESC NULLS LAST, rows_quarantined DESC, submitter;
