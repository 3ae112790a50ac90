CREATE TABLE `run_graphs` (
	`hash` text PRIMARY KEY NOT NULL,
	`view` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `run_nodes` (
	`run_id` text NOT NULL,
	`node` text NOT NULL,
	`item` text NOT NULL,
	`status` text NOT NULL,
	`started_at` real NOT NULL,
	`ended_at` real,
	`duration` real,
	`executor` text NOT NULL,
	`cache_status` text,
	`cache_reason` text,
	`error` text,
	`preview` text,
	`batch` integer NOT NULL,
	PRIMARY KEY(`run_id`, `node`, `item`)
);
--> statement-breakpoint
CREATE INDEX `run_nodes_batch` ON `run_nodes` (`run_id`,`batch`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`started_at` real NOT NULL,
	`ended_at` real,
	`outputs` text NOT NULL,
	`nodes` integer NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	`inputs` text NOT NULL,
	`overrides` text NOT NULL,
	`config` text NOT NULL,
	`graph` text NOT NULL,
	`error` text,
	`pid` integer NOT NULL,
	`host` text NOT NULL,
	`heartbeat_at` real NOT NULL,
	`batch` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runs_started` ON `runs` (`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`,`started_at`,`id`);