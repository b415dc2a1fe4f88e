CREATE TABLE `article_slugs` (
	`slug` text PRIMARY KEY NOT NULL,
	`article_id` integer NOT NULL,
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `article_slugs_article` ON `article_slugs` (`article_id`);--> statement-breakpoint
CREATE TABLE `tag_slugs` (
	`slug` text PRIMARY KEY NOT NULL,
	`tag_id` integer NOT NULL,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tag_slugs_tag` ON `tag_slugs` (`tag_id`);--> statement-breakpoint
ALTER TABLE `articles` ADD `edited_at` text;--> statement-breakpoint
ALTER TABLE `tags` ADD `description` text;