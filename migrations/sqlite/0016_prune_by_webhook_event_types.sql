DROP INDEX `events_superseded`;--> statement-breakpoint
CREATE INDEX `events_superseded_type` ON `events` (`type`,`id`) WHERE "events"."superseded" = 1;--> statement-breakpoint
-- A superseded event waits only for the active webhooks that take its type: a subscription to tag
-- events never receives article events, so its cursor may stay behind them for good. One range of
-- the (type, id) index a type, for the kind of resource the new event is about.
DROP TRIGGER `events_supersede_after_insert`;--> statement-breakpoint
CREATE TRIGGER `events_supersede_after_insert` AFTER INSERT ON `events` BEGIN
  UPDATE `events` SET `superseded` = 1
  WHERE `type` IN (substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'created',
                   substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'updated',
                   substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'deleted')
    AND `resource_id` = NEW.`resource_id` AND `id` < NEW.`id` AND `superseded` = 0;
  DELETE FROM `events` WHERE `superseded` = 1 AND `type` = substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'created' AND `id` <= coalesce((SELECT min(w.`last_event_id`)
    FROM `webhooks` w, json_each(w.`event_types`) taken WHERE w.`status` = 'active' AND taken.value = substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'created'), NEW.`id`);
  DELETE FROM `events` WHERE `superseded` = 1 AND `type` = substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'updated' AND `id` <= coalesce((SELECT min(w.`last_event_id`)
    FROM `webhooks` w, json_each(w.`event_types`) taken WHERE w.`status` = 'active' AND taken.value = substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'updated'), NEW.`id`);
  DELETE FROM `events` WHERE `superseded` = 1 AND `type` = substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'deleted' AND `id` <= coalesce((SELECT min(w.`last_event_id`)
    FROM `webhooks` w, json_each(w.`event_types`) taken WHERE w.`status` = 'active' AND taken.value = substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'deleted'), NEW.`id`);
END;--> statement-breakpoint
-- Superseded events held back until now only by webhooks that do not take their type.
DELETE FROM `events` WHERE `superseded` = 1 AND `id` <= coalesce((SELECT min(w.`last_event_id`)
  FROM `webhooks` w, json_each(w.`event_types`) taken WHERE w.`status` = 'active' AND taken.value = `events`.`type`),
  `id`);
