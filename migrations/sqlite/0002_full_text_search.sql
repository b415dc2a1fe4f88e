-- Full-text index over articles, kept in sync by the triggers below. It is an external-content
-- table: the text lives once, in `articles`, and snippet() reads it from there.
-- unicode61 with remove_diacritics 2 lets "cafe" find "café"; porter stems "bridges" to "bridg".
CREATE VIRTUAL TABLE `articles_fts` USING fts5(
  title, subtitle, body_text, author_names, tag_names,
  content = 'articles', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
INSERT INTO `articles_fts` (rowid, title, subtitle, body_text, author_names, tag_names)
  SELECT id, title, coalesce(subtitle, ''), body_text, author_names, tag_names FROM `articles`;
--> statement-breakpoint
CREATE TRIGGER `articles_fts_after_insert` AFTER INSERT ON `articles` BEGIN
  INSERT INTO `articles_fts` (rowid, title, subtitle, body_text, author_names, tag_names)
  VALUES (new.id, new.title, coalesce(new.subtitle, ''), new.body_text, new.author_names, new.tag_names);
END;
--> statement-breakpoint
CREATE TRIGGER `articles_fts_after_delete` AFTER DELETE ON `articles` BEGIN
  INSERT INTO `articles_fts` (`articles_fts`, rowid, title, subtitle, body_text, author_names, tag_names)
  VALUES ('delete', old.id, old.title, coalesce(old.subtitle, ''), old.body_text, old.author_names, old.tag_names);
END;
--> statement-breakpoint
CREATE TRIGGER `articles_fts_after_update`
AFTER UPDATE OF title, subtitle, body_text, author_names, tag_names ON `articles` BEGIN
  INSERT INTO `articles_fts` (`articles_fts`, rowid, title, subtitle, body_text, author_names, tag_names)
  VALUES ('delete', old.id, old.title, coalesce(old.subtitle, ''), old.body_text, old.author_names, old.tag_names);
  INSERT INTO `articles_fts` (rowid, title, subtitle, body_text, author_names, tag_names)
  VALUES (new.id, new.title, coalesce(new.subtitle, ''), new.body_text, new.author_names, new.tag_names);
END;
