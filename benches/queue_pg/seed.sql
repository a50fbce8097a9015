-- 1,000,000 applications for benches/queue_pg.rs, generated in the database: one every 150
-- seconds back from now (about 4.75 years); the newest 30,000 open (translating, in review,
-- changes requested: the running ones due 30 days after submission, so the older ones are
-- overdue), the others decided (80 % approved, 10 % rejected, 10 % withdrawn); 2,000
-- merchants, 14 townships, shop names of Chinese and Latin words, a quarter held by one
-- official. The running counts of the statistics are filled from the rows.
INSERT INTO users (id, username, username_key, password_hash, display_name, phone, role, created_at)
SELECT 'bench-merchant-' || m, 'bench-merchant-' || m, 'bench-merchant-' || m, 'x', '商户' || m, NULL,
       'merchant', TIMESTAMP '2020-01-01 00:00:00'
FROM generate_series(0, 1999) AS m
ON CONFLICT DO NOTHING;
INSERT INTO users (id, username, username_key, password_hash, display_name, phone, role, created_at)
VALUES ('bench-official', 'bench-official', 'bench-official', 'x', '承办人', NULL, 'reviewer',
        TIMESTAMP '2020-01-01 00:00:00')
ON CONFLICT DO NOTHING;

INSERT INTO applications (id, merchant_id, shop_name, license_no, address, township, phone,
    status, version, current_revision, translation_confirmed, approval_no, submitted_at,
    submitted_year, decided_at, decided_year, decided_month, updated_at, idempotency_key,
    clock_state, due_on, extended_by, assignee_id, decided_working_days, decided_within_limit,
    reference, replaces)
SELECT
    'bench-' || lpad(i::text, 7, '0'),
    'bench-merchant-' || (i % 2000),
    (ARRAY['草原', '蒙古', '奈曼', '红山', '白音', '塔拉', '明珠', '金鹰', '银河', '天骄',
           '科尔沁', '宝日', 'Nomad', 'Khan', 'Steppe', 'Sunrise', 'Golden'])[1 + i % 17]
      || (ARRAY['超市', '饭店', '宾馆', '药店', '书店', '汽修', '花店', '茶庄', '奶茶馆',
                'Cafe', 'Market', 'Hotel', 'Bakery'])[1 + (i / 17) % 13]
      || (i % 1000)::text || '号店',
    '91150525' || lpad(((i::bigint * 7919) % 100000000)::text, 8, '0')
      || (ARRAY['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K'])[1 + i % 10] || (i % 10)::text,
    '内蒙古通辽市奈曼旗' || t.township
      || (ARRAY['建设路', '团结街', '民族街', '新华路', '青年路', '富康街'])[1 + (i / 14) % 6]
      || (i % 300)::text || '号',
    t.township,
    '13800000000',
    s.status,
    2, 1, true,
    CASE WHEN s.status = 'approved' THEN 'BENCH' || i END,
    a.at,
    extract(year FROM a.at)::int,
    d.decided_at,
    extract(year FROM d.decided_at)::int,
    extract(month FROM d.decided_at)::int,
    a.at,
    NULL,
    s.clock_state,
    CASE WHEN s.clock_state = 1 THEN NULL ELSE (a.at + INTERVAL '30 days')::date END,
    0,
    CASE WHEN i % 4 = 0 THEN 'bench-official' END,
    CASE WHEN d.decided_at IS NOT NULL THEN i % 30 END,
    CASE WHEN d.decided_at IS NOT NULL THEN i % 30 <= 20 END,
    extract(year FROM a.at)::int || '-' || lpad(i::text, 7, '0'),
    NULL
FROM generate_series(1, 1000000) AS i
CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE 'UTC') - i * INTERVAL '150 seconds' AS at) AS a
CROSS JOIN LATERAL (SELECT (ARRAY['大沁他拉镇', '八仙筒镇', '青龙山镇', '新镇', '治安镇', '东明镇',
        '沙日浩来镇', '义隆永镇', '固日班花苏木', '白音他拉苏木', '明仁苏木', '黄花塔拉苏木',
        '土城子乡', '苇莲苏乡'])[1 + i % 14] AS township) AS t
CROSS JOIN LATERAL (SELECT st AS status,
        CASE WHEN st IN ('translating', 'in_review') THEN 0
             WHEN st = 'changes_requested' THEN 1 ELSE 2 END AS clock_state
    FROM (SELECT CASE WHEN i <= 30000
            THEN (ARRAY['translating', 'in_review', 'in_review', 'in_review', 'changes_requested',
                        'in_review'])[1 + i % 6]
            ELSE (ARRAY['approved', 'approved', 'approved', 'approved', 'approved', 'approved',
                        'approved', 'approved', 'rejected', 'withdrawn'])[1 + i % 10] END AS st) AS x
    ) AS s
CROSS JOIN LATERAL (SELECT CASE WHEN s.status IN ('approved', 'rejected')
        THEN a.at + (i % 25) * INTERVAL '1 day' END AS decided_at) AS d;

DELETE FROM stat_counts;
INSERT INTO stat_counts (year, month, township, metric, n)
SELECT submitted_year, 0, '', 'submitted', count(*) FROM applications GROUP BY submitted_year;
INSERT INTO stat_counts (year, month, township, metric, n)
SELECT submitted_year, 0, '', 'pending', count(*) FROM applications
WHERE status IN ('translating', 'in_review', 'changes_requested') GROUP BY submitted_year;
INSERT INTO stat_counts (year, month, township, metric, n)
SELECT decided_year, m, tw, status, count(*) FROM applications
CROSS JOIN LATERAL (VALUES (0, ''), (decided_month, ''), (0, township)) AS k (m, tw)
WHERE status IN ('approved', 'rejected') GROUP BY decided_year, m, tw, status;
