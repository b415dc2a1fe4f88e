CREATE TABLE `deleted_article_slugs` (
	`slug` text NOT NULL,
	`article_id` integer NOT NULL,
	PRIMARY KEY(`slug`, `article_id`),
	FOREIGN KEY (`article_id`) REFERENCES `deleted_articles`(`article_id`) ON UPDATE no action ON DELETE cascade
);
