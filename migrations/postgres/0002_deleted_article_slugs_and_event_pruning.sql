CREATE TABLE "deleted_article_slugs" (
	"slug" text NOT NULL,
	"article_id" integer NOT NULL,
	CONSTRAINT "deleted_article_slugs_slug_article_id_pk" PRIMARY KEY("slug","article_id")
);
--> statement-breakpoint
ALTER TABLE "deleted_article_slugs" ADD CONSTRAINT "deleted_article_slugs_article_id_deleted_articles_article_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."deleted_articles"("article_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_superseded" ON "events" USING btree ("id") WHERE "events"."superseded" = true;--> statement-breakpoint
-- As on SQLite (migration 0014 there): superseded events that every active webhook has delivered
-- are deleted in the transaction of the event that superseded them.
CREATE OR REPLACE FUNCTION events_supersede() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := split_part(NEW.type, '.', 1) || '.';
BEGIN
  UPDATE events SET superseded = true
  WHERE type IN (kind || 'created', kind || 'updated', kind || 'deleted')
    AND resource_id = NEW.resource_id AND id < NEW.id AND NOT superseded;
  DELETE FROM events WHERE superseded
    AND id <= coalesce((SELECT min(last_event_id) FROM webhooks WHERE status = 'active'), NEW.id);
  RETURN NULL;
END;
$$;
