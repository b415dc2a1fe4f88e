ALTER TABLE `article_simhash_bands` ADD `simhash` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Near-duplicate candidates are compared from the band index alone: the article row keeps its
-- simhash after both bodies, where reading it means walking overflow pages.
UPDATE `article_simhash_bands` SET `simhash` =
  (SELECT a.simhash FROM `articles` a WHERE a.id = `article_simhash_bands`.article_id);--> statement-breakpoint
CREATE INDEX `article_simhash_bands_band_article_simhash` ON `article_simhash_bands` (`band`,`article_id`,`simhash`);
