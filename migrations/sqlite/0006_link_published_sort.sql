ALTER TABLE `article_authors` ADD `published_sort` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `article_authors_author_published_sort` ON `article_authors` (`author_id`,`published_sort`,`article_id`);--> statement-breakpoint
ALTER TABLE `article_tags` ADD `published_sort` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `article_tags_tag_published_sort` ON `article_tags` (`tag_id`,`published_sort`,`article_id`);