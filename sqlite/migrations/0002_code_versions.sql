CREATE TABLE `code_analyses` (
	`content_hash` text PRIMARY KEY NOT NULL,
	`analysis` text NOT NULL,
	`digest` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `cache_entries` ADD `code_parts` text;