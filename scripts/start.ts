import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { seedDemo } from "../db/seed";
import { DatabaseStartError, ensureDatabaseServer, type DatabaseServer } from "../server/runtime/database";
import { ensureLocalSecrets } from "../server/runtime/secrets";

// `npm start`: database (embedded unless DATABASE_URL), migrations, demo data once, then the web cabinet and the worker,
// each restarted when it dies; Ctrl-C or SIGTERM stops them all, the embedded PostgreSQL included.
const args = new Set(process.argv.slice(2));
const dev = args.has("--dev");
const withWorker = !args.has("--no-worker");
const port = process.env.PORT ?? "3000";
const nextBin = path.resolve("node_modules/next/dist/bin/next");

const log = (m: string) => console.log(`[start] ${m}`);
const secrets = ensureLocalSecrets();
// The seed encrypts the demo partner password with the same key the app will use.
process.env.SECRETS_KEY ??= secrets.SECRETS_KEY;
// The partners' stand-ins run beside the demo (its branches «СДЭК (демо-стенд)» and «TopDelivery (демо-стенд)» point
// at them); CDEK_STAND_IN=0 / TOPDELIVERY_STAND_IN=0 leave one out.
const withCdekStandIn = process.env.SEED_DEMO !== "0" && process.env.CDEK_STAND_IN !== "0";
const cdekPort = process.env.CDEK_STAND_IN_PORT ?? "8085";
process.env.CDEK_STAND_IN_PORT = cdekPort;
const withTopDeliveryStandIn = process.env.SEED_DEMO !== "0" && process.env.TOPDELIVERY_STAND_IN !== "0";
const topDeliveryPort = process.env.TOPDELIVERY_STAND_IN_PORT ?? "8086";
process.env.TOPDELIVERY_STAND_IN_PORT = topDeliveryPort;
// In the demo, TopDelivery's orders move on by themselves every minute, as a real partner's would.
process.env.TOPDELIVERY_STAND_IN_ADVANCE_MS ??= "60000";
// InSales' stand-in plays the app store and the shops (its «Демо-магазин» is linked in one click under «Приложения»);
// it runs unless a real InSales app is configured (INSALES_APP_ID) or INSALES_STAND_IN=0.
const withInsalesStandIn =
  process.env.SEED_DEMO !== "0" && process.env.INSALES_STAND_IN !== "0" && !process.env.INSALES_APP_ID;
const insalesPort = process.env.INSALES_STAND_IN_PORT ?? "8087";
// RetailCRM's stand-in: its demo account connects from «Приложения» (our connect page, as its Marketplace would open
// it); it runs unless a real module is configured (RETAILCRM_MODULE_CODE) or RETAILCRM_STAND_IN=0.
const withRetailCrmStandIn =
  process.env.SEED_DEMO !== "0" && process.env.RETAILCRM_STAND_IN !== "0" && !process.env.RETAILCRM_MODULE_CODE;
const retailCrmPort = process.env.RETAILCRM_STAND_IN_PORT ?? "8088";
// PimPay's stand-in: «Подключить демо-PimPay» under Интеграция → PimPay puts our public key into it.
const withPimPayStandIn = process.env.SEED_DEMO !== "0" && process.env.PIMPAY_STAND_IN !== "0";
const pimpayPort = process.env.PIMPAY_STAND_IN_PORT ?? "8089";
if (withPimPayStandIn) {
  process.env.PIMPAY_STAND_IN_PORT = pimpayPort;
  process.env.PIMPAY_STAND_IN_URL ??= `http://127.0.0.1:${pimpayPort}`;
  process.env.PIMPAY_STAND_IN_COMPANY_CODE ??= "kurier_hub";
}
// The shop apps' stand-ins call this very server back; a real deployment sets its public https address.
if (withInsalesStandIn || withRetailCrmStandIn) process.env.PUBLIC_URL ??= `http://127.0.0.1:${port}`;
const publicUrl = (process.env.PUBLIC_URL ?? "").replace(/\/+$/, "");
if (withRetailCrmStandIn) {
  process.env.RETAILCRM_STAND_IN_PORT = retailCrmPort;
  // The stand-in's defaults and our module's settings, the same on both sides.
  process.env.RETAILCRM_MODULE_CODE = "kurier-hub";
  process.env.RETAILCRM_INTEGRATION_CODE = "kurier-hub";
  process.env.RETAILCRM_SECRET ??= "kh-retailcrm-secret";
  process.env.RETAILCRM_CONFIG_URL ??= `${publicUrl}/api/apps/retailcrm/config`;
  process.env.RETAILCRM_CONNECT_URL ??= `${publicUrl}/shop-apps/retailcrm/connect`;
  process.env.RETAILCRM_STAND_IN_URL ??= `http://127.0.0.1:${retailCrmPort}`;
}
if (withInsalesStandIn) {
  process.env.INSALES_STAND_IN_PORT = insalesPort;
  const app = (p: string) => new URL(`api/apps/insales/${p}`, `${process.env.PUBLIC_URL!.replace(/\/+$/, "")}/`).href;
  // The stand-in's own defaults, the same on both sides.
  process.env.INSALES_APP_ID = "kurier-hub";
  process.env.INSALES_APP_SECRET ??= "kh-insales-secret";
  process.env.INSALES_APP_INSTALL_URL ??= app("install");
  process.env.INSALES_APP_UNINSTALL_URL ??= app("uninstall");
  process.env.INSALES_APP_LOGIN_URL ??= app("login");
  process.env.INSALES_SHOP_API_BASE ??= `http://127.0.0.1:${insalesPort}/shops/{shop}`;
  process.env.INSALES_STAND_IN_URL ??= `http://127.0.0.1:${insalesPort}`;
}
// The demo's integrations talk to this very server's /api/ and to the stand-ins, which the SSRF guard refuses
// unless listed.
process.env.INTEGRATION_ALLOWED_HOSTS ??= [
  `127.0.0.1:${port}`,
  `localhost:${port}`,
  ...(withCdekStandIn ? [`127.0.0.1:${cdekPort}`] : []),
  ...(withTopDeliveryStandIn ? [`127.0.0.1:${topDeliveryPort}`] : []),
  ...(withInsalesStandIn ? [`127.0.0.1:${insalesPort}`] : []),
  ...(withRetailCrmStandIn ? [`127.0.0.1:${retailCrmPort}`] : []),
  ...(withPimPayStandIn ? [`127.0.0.1:${pimpayPort}`] : []),
].join(",");

let db: DatabaseServer;
try {
  db = await ensureDatabaseServer({ log });
} catch (e) {
  // One line that says why and what to do, never a stack trace.
  log(e instanceof DatabaseStartError ? e.message : `Не удалось подключиться к базе: ${String(e)}`);
  process.exit(1);
}

/** A supervised child: restarted with back-off when it dies, unless everything is stopping. */
interface Service {
  name: string;
  title: string;
  args: string[];
  child: ChildProcess | null;
  /** Resolves when the current child has exited; registered at spawn, so no exit is ever missed. */
  exited: Promise<void>;
  startedAt: number;
  failures: number;
  restartTimer: NodeJS.Timeout | null;
}
const services: Service[] = [];
let stopping = false;
let building: ChildProcess | null = null;

async function shutdown(code: number) {
  if (stopping) {
    // A second Ctrl-C: do not wait for anyone.
    log("Принудительная остановка");
    for (const s of services) s.child?.kill("SIGKILL");
    process.exit(code || 130);
  }
  stopping = true;
  log("Останавливаюсь …");
  building?.kill("SIGTERM");
  for (const s of services) {
    if (s.restartTimer) clearTimeout(s.restartTimer);
    s.child?.kill("SIGTERM");
  }
  // The worker lets running exchanges finish (up to ~20 s); whoever is not gone after 30 s is killed.
  if (!(await allExited(30_000))) {
    log("Не все процессы остановились за 30 с, завершаю их принудительно");
    for (const s of services) s.child?.kill("SIGKILL");
    await allExited(5_000);
  }
  await db.stop();
  log("Остановлено");
  process.exit(code);
}

async function allExited(ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    Promise.all(services.map((s) => s.exited)).then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return done;
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGHUP", () => void shutdown(0));
// start.ts owns the embedded PostgreSQL and the children: whatever goes wrong here, stop them rather than hang.
process.on("uncaughtException", (e) => {
  log(`Внутренняя ошибка: ${e.message}`);
  void shutdown(1);
});
process.on("unhandledRejection", (e) => {
  log(`Внутренняя ошибка: ${e instanceof Error ? e.message : String(e)}`);
  void shutdown(1);
});

try {
  await runMigrations(db.url);
  if (process.env.SEED_DEMO !== "0") {
    const { db: drizzleDb, sql } = createDatabase(db.url, { max: 1 });
    await seedDemo(drizzleDb, log, {
      cdek: withCdekStandIn ? `http://127.0.0.1:${cdekPort}` : undefined,
      topDelivery: withTopDeliveryStandIn ? `http://127.0.0.1:${topDeliveryPort}/api/soap/w/2.0/?wsdl` : undefined,
    });
    await sql.end();
  }
} catch (e) {
  log(`Не удалось подготовить базу: ${e instanceof Error ? e.message : String(e)}`);
  await shutdown(1);
}

const env = { ...process.env, ...secrets, DATABASE_URL: db.url, AUTH_TRUST_HOST: "true", PORT: port };

if (!dev && !(await ensureBuild(env))) await shutdown(1);

function supervise(name: string, title: string, args: string[]) {
  const service: Service = {
    name,
    title,
    args,
    child: null,
    exited: Promise.resolve(),
    startedAt: 0,
    failures: 0,
    restartTimer: null,
  };
  services.push(service);
  launch(service);
}

function launch(s: Service) {
  s.restartTimer = null;
  if (stopping) return;
  const child = spawn(process.execPath, s.args, { env, stdio: "inherit" });
  s.child = child;
  s.startedAt = Date.now();
  s.exited = new Promise((resolve) => {
    const ended = (why: string) => {
      if (s.child !== child) return; // "error" and "exit" may both come
      s.child = null;
      resolve();
      if (!stopping) restartLater(s, why);
    };
    child.once("exit", (code, signal) => ended(signal ?? `код ${code}`));
    // A child that could not be spawned at all emits "error" and maybe no "exit".
    child.once("error", (e) => {
      if (child.pid === undefined) ended(e.message);
    });
  });
}

/** Back-off 1, 2, 4 … 30 s; a child that ran for a minute starts the count afresh. Web: give up after 5 quick deaths. */
function restartLater(s: Service, why: string) {
  s.failures = Date.now() - s.startedAt > 60_000 ? 1 : s.failures + 1;
  if (s.name === "web" && s.failures > 5) {
    log(`${s.title} снова и снова завершается (${why}); останавливаю всё`);
    void shutdown(1);
    return;
  }
  const delay = Math.min(30, 2 ** (s.failures - 1));
  log(`${s.title} завершился (${why}); перезапуск через ${delay} с`);
  s.restartTimer = setTimeout(() => launch(s), delay * 1000);
}

supervise("web", "Веб-кабинет", [nextBin, dev ? "dev" : "start", "-p", port, "-H", process.env.HOST ?? "127.0.0.1"]);
// TypeScript loaded in-process (no tsx wrapper), so signals reach the worker itself.
if (withWorker) supervise("worker", "Фоновый обработчик", ["--import", "tsx", "server/worker/index.ts"]);
if (withCdekStandIn) supervise("cdek", "Стенд СДЭК", ["--import", "tsx", "server/stand-ins/cdek/main.ts"]);
if (withTopDeliveryStandIn)
  supervise("topdelivery", "Стенд TopDelivery", ["--import", "tsx", "server/stand-ins/topdelivery/main.ts"]);
if (withInsalesStandIn) supervise("insales", "Стенд InSales", ["--import", "tsx", "server/stand-ins/insales/main.ts"]);
if (withRetailCrmStandIn)
  supervise("retailcrm", "Стенд RetailCRM", ["--import", "tsx", "server/stand-ins/retailcrm/main.ts"]);
if (withPimPayStandIn) supervise("pimpay", "Стенд PimPay", ["--import", "tsx", "server/stand-ins/pimpay/main.ts"]);
log(`Кабинет: http://localhost:${port}  (Альфа Курьер: код 101, admin/admin)`);

/** Builds the production bundle when it is missing or older than the sources, so `npm start` always serves current code. */
async function ensureBuild(buildEnv: NodeJS.ProcessEnv): Promise<boolean> {
  const fingerprint = sourceFingerprint();
  const stamp = path.join(".next", "kurier-source-fingerprint");
  if (existsSync(path.join(".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint)
    return true;
  log("Собираю веб-кабинет (next build), это займёт около минуты …");
  // Not spawnSync: a signal during the build must stop it (see shutdown), not wait a minute for it.
  building = spawn(process.execPath, [nextBin, "build"], {
    env: { ...buildEnv, NODE_ENV: "production" },
    stdio: "inherit",
  });
  const status = await new Promise<number | null>((resolve) => {
    building!.once("exit", (code) => resolve(code));
    building!.once("error", () => resolve(null));
  });
  building = null;
  if (stopping) return new Promise(() => {}); // shutdown() exits the process
  if (status !== 0) {
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
  for (const f of ["package-lock.json", "next.config.mjs", "postcss.config.mjs", "tsconfig.json"])
    if (existsSync(f)) hash.update(`${f}:${statSync(f).mtimeMs}\n`);
  return hash.digest("hex");
}
