ALTER TABLE `run_graphs` ADD `drawing` text;--> statement-breakpoint
ALTER TABLE `run_graphs` ADD `drawing_version` text;