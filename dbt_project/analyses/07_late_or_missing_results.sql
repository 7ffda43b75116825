-- หน่วยงานที่ส่งรายงานผลล่าช้าหรือยังไม่ส่ง (กำหนดส่งวันที่ 15 ของเดือนถัดไป)
-- Submitters whose monthly results were late or are missing (due the 15th of the next month)
SELECT submitter, period, due_date, status, days_late
FROM quality.submission_deadlines
WHERE status IN ('late', 'missing')
ORDER BY days_late DESC NULLS FIRST, submitter, period;
