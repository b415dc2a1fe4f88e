CREATE INDEX `events_superseded` ON `events` (`id`) WHERE "events"."superseded" = 1;--> statement-breakpoint
-- In the transaction of each new event: the same resource's earlier events are superseded, and
-- superseded events that every active webhook has already delivered are deleted.
DROP TRIGGER `events_supersede_after_insert`;--> statement-breakpoint
CREATE TRIGGER `events_supersede_after_insert` AFTER INSERT ON `events` BEGIN
  UPDATE `events` SET `superseded` = 1
  WHERE `type` IN (substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'created',
                   substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'updated',
                   substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'deleted')
    AND `resource_id` = NEW.`resource_id` AND `id` < NEW.`id` AND `superseded` = 0;
  DELETE FROM `events` WHERE `superseded` = 1
    AND `id` <= coalesce((SELECT min(`last_event_id`) FROM `webhooks` WHERE `status` = 'active'), NEW.`id`);
END;--> statement-breakpoint
-- Superseded events no active webhook still has to deliver, written before this migration.
DELETE FROM `events` WHERE `superseded` = 1
  AND `id` <= coalesce((SELECT min(`last_event_id`) FROM `webhooks` WHERE `status` = 'active'), (SELECT max(`id`) FROM `events`));
