-- โครงสร้างอุตสาหกรรมรายจังหวัด: โรงงานนอกนิคม ในนิคม และในสวนอุตสาหกรรม เดือนล่าสุด
-- Each province's industry: factories outside, in industrial estates and in parks, latest month
SELECT i.province_code, p.name_th AS province, i.location_type,
       sum(i.factories) AS factories, sum(i.workers_total) AS workers
FROM marts.industry_by_province AS i
JOIN reference.provinces AS p USING (province_code)
WHERE i.period = (SELECT max(period) FROM marts.industry_by_province)
GROUP BY ALL
ORDER BY i.province_code, i.location_type;
