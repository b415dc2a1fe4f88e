-- What SQLite does with triggers, PostgreSQL does with these. Full-text search needs none: the
-- weighted `search` column is generated from the row.
-- Tag and author links carry their article's published_sort, so a tag's or an author's page is one
-- range of (tag_id, published_sort, article_id): the triggers keep the copy equal to the article's.
CREATE FUNCTION link_published_sort_from_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.published_sort := coalesce((SELECT a.published_sort FROM articles a WHERE a.id = NEW.article_id), '');
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER article_tags_published_sort_before_insert BEFORE INSERT ON article_tags
  FOR EACH ROW EXECUTE FUNCTION link_published_sort_from_article();
--> statement-breakpoint
CREATE TRIGGER article_authors_published_sort_before_insert BEFORE INSERT ON article_authors
  FOR EACH ROW EXECUTE FUNCTION link_published_sort_from_article();
--> statement-breakpoint
CREATE FUNCTION article_links_published_sort() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE article_tags SET published_sort = NEW.published_sort WHERE article_id = NEW.id;
  UPDATE article_authors SET published_sort = NEW.published_sort WHERE article_id = NEW.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER articles_links_published_sort_after_update AFTER UPDATE OF published_at ON articles
  FOR EACH ROW WHEN (OLD.published_sort IS DISTINCT FROM NEW.published_sort)
  EXECUTE FUNCTION article_links_published_sort();
--> statement-breakpoint
-- In the transaction of each new event, the same resource's earlier events (an article, author or
-- tag is its type's prefix and its id) are superseded, one probe of events_type_resource a type.
CREATE FUNCTION events_supersede() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := split_part(NEW.type, '.', 1) || '.';
BEGIN
  UPDATE events SET superseded = true
  WHERE type IN (kind || 'created', kind || 'updated', kind || 'deleted')
    AND resource_id = NEW.resource_id AND id < NEW.id AND NOT superseded;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER events_supersede_after_insert AFTER INSERT ON events
  FOR EACH ROW EXECUTE FUNCTION events_supersede();
