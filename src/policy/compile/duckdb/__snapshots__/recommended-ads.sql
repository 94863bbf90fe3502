WITH member_facts AS (
  SELECT "id" AS member_id, COUNT(*) AS copies,
    MIN(CASE WHEN "country" = 'UK' THEN 'GB' WHEN list_contains(['AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ', 'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BY', 'BZ', 'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ', 'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK', 'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY', 'HK', 'HM', 'HN', 'HR', 'HT', 'HU', 'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT', 'JE', 'JM', 'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM', 'PN', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW', 'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ', 'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'UM', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA', 'ZM', 'ZW'], "country") THEN "country" END) AS country,
    MIN("birth_date") AS birth_date, MIN("deleted_at") AS deleted_at
  FROM members
  WHERE "id" IS NOT NULL
  GROUP BY "id"
), consent_state AS (
  SELECT "member_id" AS member_id,
    CASE CAST(MAX(COALESCE(CAST(epoch_us("at") AS HUGEINT), -18446744073709551616) * 4 + CASE WHEN "source" = 'gpc' OR "choice" = 'deny' THEN 3 WHEN "choice" = 'allow' THEN 1 ELSE 2 END) & 3 AS INTEGER) WHEN 3 THEN 'deny' WHEN 1 THEN 'allow' END AS state
  FROM consent_events
  WHERE "member_id" IS NOT NULL AND "purpose" = 'ads_targeting' AND "at" <= TIMESTAMPTZ '2025-01-01 00:00:00.000000+00'
  GROUP BY "member_id"
), authors AS (
  SELECT f.member_id, f.copies, f.country, f.birth_date, f.deleted_at, c.state,
    FALSE AS usable,
    FALSE AS opt_in
  FROM member_facts AS f
  LEFT JOIN consent_state AS c ON c.member_id = f.member_id
), decided AS (
  SELECT i."id" AS id, CASE
    WHEN i."id" IS NULL OR i."author_id" IS NULL OR i."kind" IS NULL OR i."created_at" IS NULL THEN 'malformed'
    WHEN m.member_id IS NULL OR m.copies <> 1 THEN 'unknown_member'
    WHEN i."created_at" > TIMESTAMPTZ '2025-01-01 00:00:00.000000+00' THEN 'not_yet_created'
    WHEN i."deleted_at" <= TIMESTAMPTZ '2025-01-01 00:00:00.000000+00' OR m.deleted_at <= TIMESTAMPTZ '2025-01-01 00:00:00.000000+00' THEN 'deleted'
    WHEN i."kind" NOT IN ('post', 'comment', 'article', 'message', 'profile') THEN 'unknown_kind'
    WHEN m.country IS NULL THEN 'unknown_region'
    WHEN NOT m.usable THEN 'region_excluded'
    WHEN m.state = 'deny' THEN 'opted_out'
    ELSE NULL END AS reason
  FROM items AS i
  LEFT JOIN authors AS m ON m.member_id = i."author_id"
)
SELECT id, reason IS NULL AS included, reason
FROM decided
