CREATE TABLE `deleted_articles` (
	`article_id` integer PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`deleted_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deleted_articles_slug` ON `deleted_articles` (`slug`);--> statement-breakpoint
DROP INDEX `ingests_idempotency_key_unique`;--> statement-breakpoint
ALTER TABLE `ingests` ADD `idempotency_caller` text;--> statement-breakpoint
CREATE UNIQUE INDEX `ingests_idempotency_caller_key_unique` ON `ingests` (`idempotency_caller`,`idempotency_key`);
