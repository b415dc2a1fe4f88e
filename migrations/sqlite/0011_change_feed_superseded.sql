ALTER TABLE `events` ADD `superseded` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `events_live` ON `events` (`id`) WHERE "events"."superseded" = 0;--> statement-breakpoint
-- Events already written: each one another event of the same resource came after is superseded.
UPDATE `events` SET `superseded` = 1 WHERE EXISTS (
  SELECT 1 FROM `events` later
  WHERE later.`type` IN (substr(`events`.`type`, 1, instr(`events`.`type`, '.')) || 'created',
                         substr(`events`.`type`, 1, instr(`events`.`type`, '.')) || 'updated',
                         substr(`events`.`type`, 1, instr(`events`.`type`, '.')) || 'deleted')
    AND later.`resource_id` = `events`.`resource_id` AND later.`id` > `events`.`id`);--> statement-breakpoint
-- From now on, in the transaction of each new event: the same resource's earlier events (an article,
-- author or tag is its type's prefix and its id) are superseded, one probe of events_type_resource a type.
CREATE TRIGGER `events_supersede_after_insert` AFTER INSERT ON `events` BEGIN
  UPDATE `events` SET `superseded` = 1
  WHERE `type` IN (substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'created',
                   substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'updated',
                   substr(NEW.`type`, 1, instr(NEW.`type`, '.')) || 'deleted')
    AND `resource_id` = NEW.`resource_id` AND `id` < NEW.`id` AND `superseded` = 0;
END;
