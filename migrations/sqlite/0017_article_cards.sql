CREATE TABLE `article_cards` (
	`article_id` integer PRIMARY KEY NOT NULL,
	`authors` text DEFAULT '[]' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- An article's summary shows its authors and tags as JSON arrays; article_cards keeps them built so a
-- page reads one short row per article instead of joining and sorting every link. These triggers
-- rebuild an article's arrays whenever its links change, or the names and slugs they show.
INSERT INTO `article_cards` (article_id, authors, tags)
  SELECT a.id, (SELECT json_group_array(json_object('id', au.id, 'slug', au.slug, 'name', au.name) ORDER BY aa.position)
    FROM `article_authors` aa JOIN `authors` au ON au.id = aa.author_id WHERE aa.article_id = a.id),
  (SELECT json_group_array(json_object('id', t.id, 'slug', t.slug, 'name', t.name,
      'derived', json(CASE WHEN at.derived THEN 'true' ELSE 'false' END)) ORDER BY at.position)
    FROM `article_tags` at JOIN `tags` t ON t.id = at.tag_id WHERE at.article_id = a.id)
  FROM `articles` a;
--> statement-breakpoint
CREATE TRIGGER `articles_card_after_insert` AFTER INSERT ON `articles` BEGIN
  INSERT OR REPLACE INTO `article_cards` (article_id, authors, tags) VALUES (new.id,
  (SELECT json_group_array(json_object('id', au.id, 'slug', au.slug, 'name', au.name) ORDER BY aa.position)
    FROM `article_authors` aa JOIN `authors` au ON au.id = aa.author_id WHERE aa.article_id = new.id),
  (SELECT json_group_array(json_object('id', t.id, 'slug', t.slug, 'name', t.name,
      'derived', json(CASE WHEN at.derived THEN 'true' ELSE 'false' END)) ORDER BY at.position)
    FROM `article_tags` at JOIN `tags` t ON t.id = at.tag_id WHERE at.article_id = new.id));
END;
--> statement-breakpoint
CREATE TRIGGER `article_authors_card_after_insert` AFTER INSERT ON `article_authors` BEGIN
  UPDATE `article_cards` SET `authors` = (SELECT json_group_array(json_object('id', au.id, 'slug', au.slug, 'name', au.name) ORDER BY aa.position)
    FROM `article_authors` aa JOIN `authors` au ON au.id = aa.author_id WHERE aa.article_id = `article_cards`.article_id)
  WHERE article_id = new.article_id;
END;
--> statement-breakpoint
CREATE TRIGGER `article_authors_card_after_delete` AFTER DELETE ON `article_authors` BEGIN
  UPDATE `article_cards` SET `authors` = (SELECT json_group_array(json_object('id', au.id, 'slug', au.slug, 'name', au.name) ORDER BY aa.position)
    FROM `article_authors` aa JOIN `authors` au ON au.id = aa.author_id WHERE aa.article_id = `article_cards`.article_id)
  WHERE article_id = old.article_id;
END;
--> statement-breakpoint
CREATE TRIGGER `article_authors_card_after_update` AFTER UPDATE OF article_id, author_id, position ON `article_authors` BEGIN
  UPDATE `article_cards` SET `authors` = (SELECT json_group_array(json_object('id', au.id, 'slug', au.slug, 'name', au.name) ORDER BY aa.position)
    FROM `article_authors` aa JOIN `authors` au ON au.id = aa.author_id WHERE aa.article_id = `article_cards`.article_id)
  WHERE article_id IN (old.article_id, new.article_id);
END;
--> statement-breakpoint
CREATE TRIGGER `article_tags_card_after_insert` AFTER INSERT ON `article_tags` BEGIN
  UPDATE `article_cards` SET `tags` = (SELECT json_group_array(json_object('id', t.id, 'slug', t.slug, 'name', t.name,
      'derived', json(CASE WHEN at.derived THEN 'true' ELSE 'false' END)) ORDER BY at.position)
    FROM `article_tags` at JOIN `tags` t ON t.id = at.tag_id WHERE at.article_id = `article_cards`.article_id)
  WHERE article_id = new.article_id;
END;
--> statement-breakpoint
CREATE TRIGGER `article_tags_card_after_delete` AFTER DELETE ON `article_tags` BEGIN
  UPDATE `article_cards` SET `tags` = (SELECT json_group_array(json_object('id', t.id, 'slug', t.slug, 'name', t.name,
      'derived', json(CASE WHEN at.derived THEN 'true' ELSE 'false' END)) ORDER BY at.position)
    FROM `article_tags` at JOIN `tags` t ON t.id = at.tag_id WHERE at.article_id = `article_cards`.article_id)
  WHERE article_id = old.article_id;
END;
--> statement-breakpoint
CREATE TRIGGER `article_tags_card_after_update` AFTER UPDATE OF article_id, tag_id, position, derived ON `article_tags` BEGIN
  UPDATE `article_cards` SET `tags` = (SELECT json_group_array(json_object('id', t.id, 'slug', t.slug, 'name', t.name,
      'derived', json(CASE WHEN at.derived THEN 'true' ELSE 'false' END)) ORDER BY at.position)
    FROM `article_tags` at JOIN `tags` t ON t.id = at.tag_id WHERE at.article_id = `article_cards`.article_id)
  WHERE article_id IN (old.article_id, new.article_id);
END;
--> statement-breakpoint
CREATE TRIGGER `authors_card_after_update` AFTER UPDATE OF slug, name ON `authors`
WHEN old.slug IS NOT new.slug OR old.name IS NOT new.name BEGIN
  UPDATE `article_cards` SET `authors` = (SELECT json_group_array(json_object('id', au.id, 'slug', au.slug, 'name', au.name) ORDER BY aa.position)
    FROM `article_authors` aa JOIN `authors` au ON au.id = aa.author_id WHERE aa.article_id = `article_cards`.article_id)
  WHERE article_id IN (SELECT article_id FROM `article_authors` WHERE author_id = new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `tags_card_after_update` AFTER UPDATE OF slug, name ON `tags`
WHEN old.slug IS NOT new.slug OR old.name IS NOT new.name BEGIN
  UPDATE `article_cards` SET `tags` = (SELECT json_group_array(json_object('id', t.id, 'slug', t.slug, 'name', t.name,
      'derived', json(CASE WHEN at.derived THEN 'true' ELSE 'false' END)) ORDER BY at.position)
    FROM `article_tags` at JOIN `tags` t ON t.id = at.tag_id WHERE at.article_id = `article_cards`.article_id)
  WHERE article_id IN (SELECT article_id FROM `article_tags` WHERE tag_id = new.id);
END;
