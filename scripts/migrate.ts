import { runMigrations } from "../db/migrate";
import { ensureDatabaseServer } from "../server/runtime/database";

const server = await ensureDatabaseServer();
try {
  await runMigrations(server.url);
  console.log("Миграции применены");
} finally {
  await server.stop();
}
