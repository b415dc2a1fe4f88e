ALTER TABLE `articles` ADD `author_names` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `articles` ADD `tag_names` text DEFAULT '' NOT NULL;