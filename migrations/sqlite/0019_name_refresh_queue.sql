-- Articles carrying a renamed author or tag, whose new version, event and full-text names follow the
-- rename in short transactions (see src/db/sqlite/collection-editing.ts) rather than inside it.
CREATE TABLE `article_name_refresh` (
	`article_id` integer PRIMARY KEY NOT NULL,
	`renamed_at` text NOT NULL,
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE cascade
);
