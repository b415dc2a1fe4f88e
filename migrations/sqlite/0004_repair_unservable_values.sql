-- Articles stored before every value was checked against the response rules: a publication date
-- outside the years 0001–9999 (written `+010000-…` or `-000001-…`, or year 0000) or more than a day
-- in the future, and a language that is not an ISO 639-1 code, would fail every response that
-- includes them. They become unknown, as the ingest now makes them.
UPDATE `articles` SET `published_at` = NULL
WHERE `published_at` IS NOT NULL
  AND (`published_at` NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
    OR `published_at` GLOB '0000-*'
    OR `published_at` > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day'));
--> statement-breakpoint
UPDATE `articles` SET `language` = NULL
WHERE `language` IS NOT NULL AND `language` NOT GLOB '[a-z][a-z]';
