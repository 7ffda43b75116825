-- โรงงานในนิคมและสวนอุตสาหกรรม เดือนล่าสุด: จำนวนโรงงาน คนงาน และมูลค่าการผลิต
-- Factories in industrial estates and parks, latest month: factories, workers, production value
SELECT f.estate_code, e.name_th AS estate, e.type AS estate_type, f.province_code,
       count(*) AS factories, sum(f.workers_total) AS workers,
       round(sum(f.production_value_baht) / 1e6, 3) AS production_value_mb
FROM marts.factory_month AS f
JOIN reference.estates AS e USING (estate_code)
WHERE f.period = (SELECT max(period) FROM marts.factory_month)
GROUP BY ALL
ORDER BY factories DESC, f.estate_code;
