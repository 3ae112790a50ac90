// drizzle-kit's configuration for the PostgreSQL team store (`npm run db:generate` runs both configs): the cache's
// and the run history's tables in one database and one sequence of migrations, kept in postgres/migrations/.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: ["./postgres/schema.ts"],
  out: "./postgres/migrations",
});
