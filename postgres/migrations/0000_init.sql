CREATE TABLE "cache_entries" (
	"cache_key" text PRIMARY KEY NOT NULL,
	"node" text NOT NULL,
	"code_version" text NOT NULL,
	"version" text,
	"inputs" text NOT NULL,
	"config" text NOT NULL,
	"previews" text,
	"code_parts" text,
	"data_version" text NOT NULL,
	"run_id" text NOT NULL,
	"created_at" double precision NOT NULL,
	"last_used_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cache_results" (
	"data_version" text PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"inline" "bytea",
	"file" text,
	"created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cache_runs" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"records" text NOT NULL,
	"at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "code_analyses" (
	"content_hash" text PRIMARY KEY NOT NULL,
	"analysis" text NOT NULL,
	"digest" text NOT NULL,
	"created_at" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_graphs" (
	"hash" text PRIMARY KEY NOT NULL,
	"view" text NOT NULL,
	"drawing" text,
	"drawing_version" text
);
--> statement-breakpoint
CREATE TABLE "run_nodes" (
	"run_id" text NOT NULL,
	"node" text NOT NULL,
	"item" text NOT NULL,
	"status" text NOT NULL,
	"started_at" double precision NOT NULL,
	"ended_at" double precision,
	"duration" double precision,
	"executor" text NOT NULL,
	"host" text,
	"cache_status" text,
	"cache_reason" text,
	"error" text,
	"preview" text,
	"batch" integer NOT NULL,
	CONSTRAINT "run_nodes_run_id_node_item_pk" PRIMARY KEY("run_id","node","item")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"started_at" double precision NOT NULL,
	"ended_at" double precision,
	"outputs" text NOT NULL,
	"nodes" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	"items" integer DEFAULT 0 NOT NULL,
	"modules" text DEFAULT '[]' NOT NULL,
	"inputs" text NOT NULL,
	"overrides" text NOT NULL,
	"config" text NOT NULL,
	"graph" text NOT NULL,
	"request" text,
	"error" text,
	"pid" integer NOT NULL,
	"host" text NOT NULL,
	"heartbeat_at" double precision NOT NULL,
	"batch" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cache_entries_node" ON "cache_entries" USING btree ("node","last_used_at");--> statement-breakpoint
CREATE INDEX "cache_entries_data_version" ON "cache_entries" USING btree ("data_version");--> statement-breakpoint
CREATE INDEX "cache_runs_run" ON "cache_runs" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "run_nodes_batch" ON "run_nodes" USING btree ("run_id","batch");--> statement-breakpoint
CREATE INDEX "run_nodes_node" ON "run_nodes" USING btree ("node","started_at","status","cache_status","duration");--> statement-breakpoint
CREATE INDEX "runs_started" ON "runs" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "runs_status" ON "runs" USING btree ("status","started_at","id");