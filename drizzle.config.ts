// drizzle-kit's configuration (`npm run db:generate`): the cache's and the run history's tables share one
// SQLite file and one sequence of migrations, kept in sqlite/migrations/.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: ["./cache/sqlite/schema.ts", "./history/run-schema.ts"],
  out: "./sqlite/migrations",
});
