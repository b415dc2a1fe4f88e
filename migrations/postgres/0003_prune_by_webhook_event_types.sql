DROP INDEX "events_superseded";--> statement-breakpoint
CREATE INDEX "events_superseded_type" ON "events" USING btree ("type","id") WHERE "events"."superseded" = true;--> statement-breakpoint
-- As on SQLite (migration 0016 there): a superseded event waits only for the active webhooks that
-- take its type, one range of the (type, id) index a type.
CREATE OR REPLACE FUNCTION events_supersede() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := split_part(NEW.type, '.', 1) || '.';
  taken text;
  delivered bigint;
BEGIN
  UPDATE events SET superseded = true
  WHERE type IN (kind || 'created', kind || 'updated', kind || 'deleted')
    AND resource_id = NEW.resource_id AND id < NEW.id AND NOT superseded;
  FOREACH taken IN ARRAY ARRAY[kind || 'created', kind || 'updated', kind || 'deleted'] LOOP
    SELECT coalesce(min(last_event_id), NEW.id) INTO delivered FROM webhooks
      WHERE status = 'active' AND event_types ? taken;
    DELETE FROM events WHERE superseded AND type = taken AND id <= delivered;
  END LOOP;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DELETE FROM events e WHERE e.superseded AND e.id <= coalesce((SELECT min(w.last_event_id) FROM webhooks w
  WHERE w.status = 'active' AND w.event_types ? e.type), e.id);
