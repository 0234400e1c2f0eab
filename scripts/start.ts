import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { seedDemo } from "../db/seed";
import { ensureDatabaseServer } from "../server/runtime/database";
import { ensureLocalSecrets } from "../server/runtime/secrets";

// `npm start`: database (embedded unless DATABASE_URL), migrations, demo data once, then the web cabinet and the worker.
const args = new Set(process.argv.slice(2));
const dev = args.has("--dev");
const withWorker = !args.has("--no-worker");
const port = process.env.PORT ?? "3000";
const nextBin = path.resolve("node_modules/next/dist/bin/next");

const log = (m: string) => console.log(`[start] ${m}`);
const secrets = ensureLocalSecrets();
// The seed encrypts the demo partner password with the same key the app will use.
process.env.SECRETS_KEY ??= secrets.SECRETS_KEY;
const db = await ensureDatabaseServer({ log });

const children: ChildProcess[] = [];
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("Останавливаюсь …");
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  await db.stop();
  log("Остановлено");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  await runMigrations(db.url);
  if (process.env.SEED_DEMO !== "0") {
    const { db: drizzleDb, sql } = createDatabase(db.url, { max: 1 });
    await seedDemo(drizzleDb, log);
    await sql.end();
  }
} catch (e) {
  console.error(e);
  await shutdown(1);
}

const env = { ...process.env, ...secrets, DATABASE_URL: db.url, AUTH_TRUST_HOST: "true", PORT: port };

if (!dev && !ensureBuild(env)) await shutdown(1);

function run(name: string, nodeArgs: string[]) {
  const child = spawn(process.execPath, nodeArgs, { env, stdio: "inherit" });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} завершился (${signal ?? code}); останавливаю остальное`);
      void shutdown(code ?? 1);
    }
  });
  children.push(child);
}

run("web", [nextBin, dev ? "dev" : "start", "-p", port, "-H", process.env.HOST ?? "127.0.0.1"]);
// TypeScript loaded in-process (no tsx wrapper), so signals reach the worker itself.
if (withWorker) run("worker", ["--import", "tsx", "server/worker/index.ts"]);
log(`Кабинет: http://localhost:${port}  (Альфа Курьер: код 101, admin/admin)`);

/** Builds the production bundle when it is missing or older than the sources, so `npm start` always serves current code. */
function ensureBuild(buildEnv: NodeJS.ProcessEnv): boolean {
  const fingerprint = sourceFingerprint();
  const stamp = path.join(".next", "kurier-source-fingerprint");
  if (existsSync(path.join(".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint) return true;
  log("Собираю веб-кабинет (next build), это займёт около минуты …");
  const result = spawnSync(process.execPath, [nextBin, "build"], { env: { ...buildEnv, NODE_ENV: "production" }, stdio: "inherit" });
  if (result.status !== 0) {
    log("Сборка не удалась");
    return false;
  }
  writeFileSync(stamp, fingerprint);
  return true;
}

function sourceFingerprint(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        hash.update(`${p}:${s.size}:${s.mtimeMs}\n`);
      }
    }
  };
  for (const d of ["app", "components", "server", "db", "public"]) walk(d);
  for (const f of ["package-lock.json", "next.config.mjs", "postcss.config.mjs", "tsconfig.json"]) if (existsSync(f)) hash.update(`${f}:${statSync(f).mtimeMs}\n`);
  return hash.digest("hex");
}
