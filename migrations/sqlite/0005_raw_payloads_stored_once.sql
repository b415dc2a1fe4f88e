CREATE TABLE `raw_payloads` (
	`sha256` text PRIMARY KEY NOT NULL,
	`raw` blob NOT NULL
);
--> statement-breakpoint
-- Every payload already stored moves to raw_payloads once, however many ingests share it.
INSERT OR IGNORE INTO `raw_payloads` (`sha256`, `raw`) SELECT `raw_sha256`, `raw` FROM `ingests` ORDER BY `id`;
--> statement-breakpoint
ALTER TABLE `ingests` DROP COLUMN `raw`;
