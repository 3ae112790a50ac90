CREATE TABLE `cache_entries` (
	`cache_key` text PRIMARY KEY NOT NULL,
	`node` text NOT NULL,
	`code_version` text NOT NULL,
	`version` text,
	`inputs` text NOT NULL,
	`config` text NOT NULL,
	`previews` text,
	`data_version` text NOT NULL,
	`run_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cache_entries_node` ON `cache_entries` (`node`,`last_used_at`);--> statement-breakpoint
CREATE INDEX `cache_entries_data_version` ON `cache_entries` (`data_version`);--> statement-breakpoint
CREATE TABLE `cache_results` (
	`data_version` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`inline` blob,
	`file` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cache_runs` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`records` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cache_runs_run` ON `cache_runs` (`run_id`);