CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `article_authors` (
	`article_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`article_id`, `author_id`),
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `authors`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `article_authors_author_article` ON `article_authors` (`author_id`,`article_id`);--> statement-breakpoint
CREATE TABLE `article_simhash_bands` (
	`band` integer NOT NULL,
	`article_id` integer NOT NULL,
	PRIMARY KEY(`band`, `article_id`),
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `article_simhash_bands_article` ON `article_simhash_bands` (`article_id`);--> statement-breakpoint
CREATE TABLE `article_tags` (
	`article_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`position` integer NOT NULL,
	`derived` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`article_id`, `tag_id`),
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `article_tags_tag_article` ON `article_tags` (`tag_id`,`article_id`);--> statement-breakpoint
CREATE TABLE `articles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`subtitle` text,
	`excerpt` text NOT NULL,
	`body_text` text NOT NULL,
	`body_html` text NOT NULL,
	`images` text NOT NULL,
	`language` text,
	`word_count` integer NOT NULL,
	`reading_time_minutes` integer NOT NULL,
	`published_at` text,
	`published_sort` text GENERATED ALWAYS AS (coalesce(published_at, '')) VIRTUAL NOT NULL,
	`source_url` text,
	`content_hash` text NOT NULL,
	`simhash` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `articles_slug_unique` ON `articles` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `articles_source_url_unique` ON `articles` (`source_url`);--> statement-breakpoint
CREATE UNIQUE INDEX `articles_content_hash_unique` ON `articles` (`content_hash`);--> statement-breakpoint
CREATE INDEX `articles_published_sort_id` ON `articles` (`published_sort`,`id`);--> statement-breakpoint
CREATE INDEX `articles_language_published_sort_id` ON `articles` (`language`,`published_sort`,`id`);--> statement-breakpoint
CREATE TABLE `authors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`bio` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `authors_slug_unique` ON `authors` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `authors_name_key_unique` ON `authors` (`name_key`);--> statement-breakpoint
CREATE INDEX `authors_name` ON `authors` (`name`);--> statement-breakpoint
CREATE TABLE `ingests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`received_at` text NOT NULL,
	`content_type` text NOT NULL,
	`source_url` text,
	`raw` blob NOT NULL,
	`raw_sha256` text NOT NULL,
	`overrides` text,
	`status` text NOT NULL,
	`article_id` integer,
	`duplicate_of` integer,
	`warnings` text NOT NULL,
	`report` text NOT NULL,
	`parser_version` text NOT NULL,
	`idempotency_key` text,
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`duplicate_of`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `ingests_article_id` ON `ingests` (`article_id`);--> statement-breakpoint
CREATE INDEX `ingests_duplicate_of` ON `ingests` (`duplicate_of`);--> statement-breakpoint
CREATE UNIQUE INDEX `ingests_idempotency_key_unique` ON `ingests` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_slug_unique` ON `tags` (`slug`);--> statement-breakpoint
CREATE INDEX `tags_name` ON `tags` (`name`);