ALTER TABLE `runs` ADD `items` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `modules` text DEFAULT '[]' NOT NULL;