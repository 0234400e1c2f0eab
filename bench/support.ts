import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { runMigrations } from "../db/migrate";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";

/** A throwaway, migrated database on DATABASE_URL's server or the benchmarks' embedded one. */
export async function benchDatabase(prefix: string) {
  const server = await ensureDatabaseServer({
    dataDir: ".data/pg-bench",
    port: Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54359),
    log: () => {},
  });
  const name = `kh_bench_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await createDatabaseIfMissing(server.adminUrl, name);
  const url = withDatabase(server.adminUrl, name);
  await runMigrations(url);
  return {
    url,
    async drop() {
      await dropDatabase(server.adminUrl, name);
      await server.stop();
    },
  };
}

/**
 * A partner's stand-in as its own process (its CPU is not ours) on a free port, allow-listed for our client the way a
 * deployment lists its local stand-ins.
 */
export async function spawnStandIn(
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(chunk.toString());
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited (${code})`)));
  });
  const allowed = process.env.INTEGRATION_ALLOWED_HOSTS;
  process.env.INTEGRATION_ALLOWED_HOSTS = [allowed, new URL(url).host].filter(Boolean).join(",");
  return { url, stop: () => child.kill("SIGTERM") };
}

/** A stand-in's `/_control/<path>` API: JSON in, JSON out, a non-2xx answer thrown with its body. */
export function standInControl(base: string) {
  return async (path: string, body?: unknown, method = "POST", query?: Record<string, string>) => {
    const target = new URL(`${base}/_control/${path}`);
    for (const [k, v] of Object.entries(query ?? {})) target.searchParams.set(k, v);
    const res = await fetch(target, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const out = (await res.json()) as unknown;
    if (!res.ok) throw new Error(`stand-in ${path}: ${res.status} ${JSON.stringify(out)}`);
    return out;
  };
}
