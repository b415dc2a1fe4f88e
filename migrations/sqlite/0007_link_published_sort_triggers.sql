-- Tag and author links carry their article's published_sort, so a tag's or an author's page is one
-- range of (tag_id, published_sort, article_id): the triggers keep the copy equal to the article's.
UPDATE `article_tags` SET `published_sort` =
  (SELECT coalesce(a.published_at, '') FROM `articles` a WHERE a.id = `article_tags`.article_id);
--> statement-breakpoint
UPDATE `article_authors` SET `published_sort` =
  (SELECT coalesce(a.published_at, '') FROM `articles` a WHERE a.id = `article_authors`.article_id);
--> statement-breakpoint
CREATE TRIGGER `article_tags_published_sort_after_insert` AFTER INSERT ON `article_tags` BEGIN
  UPDATE `article_tags` SET `published_sort` =
    (SELECT coalesce(a.published_at, '') FROM `articles` a WHERE a.id = new.article_id)
  WHERE article_id = new.article_id AND tag_id = new.tag_id;
END;
--> statement-breakpoint
CREATE TRIGGER `article_authors_published_sort_after_insert` AFTER INSERT ON `article_authors` BEGIN
  UPDATE `article_authors` SET `published_sort` =
    (SELECT coalesce(a.published_at, '') FROM `articles` a WHERE a.id = new.article_id)
  WHERE article_id = new.article_id AND author_id = new.author_id;
END;
--> statement-breakpoint
CREATE TRIGGER `articles_links_published_sort_after_update` AFTER UPDATE OF published_at ON `articles`
WHEN coalesce(old.published_at, '') <> coalesce(new.published_at, '') BEGIN
  UPDATE `article_tags` SET `published_sort` = coalesce(new.published_at, '') WHERE article_id = new.id;
  UPDATE `article_authors` SET `published_sort` = coalesce(new.published_at, '') WHERE article_id = new.id;
END;
