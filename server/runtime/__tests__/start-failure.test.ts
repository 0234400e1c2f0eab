import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";

// `npm start` where the embedded PostgreSQL cannot run (its port is taken): one Russian line that says why and what
// to do, exit code 1, no stack trace. Runs the real scripts/start.ts in an empty directory, as a newcomer's clone.
const root = path.resolve(import.meta.dirname, "../../..");
let busy: Server;
let dir: string;
beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
  dir = mkdtempSync(path.join(tmpdir(), "kh-start-"));
  chmodSync(dir, 0o755);
});
afterAll(async () => {
  await new Promise((r) => busy.close(r));
  rmSync(dir, { recursive: true, force: true });
});

it("a taken port: npm start says why in one Russian line and exits 1", { timeout: 180_000 }, async () => {
  const port = (busy.address() as AddressInfo).port;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EMBEDDED_PG_PORT: String(port),
    SEED_DEMO: "0",
    PORT: "1",
    // The checkout's path aliases, though the process runs elsewhere.
    TSX_TSCONFIG_PATH: path.join(root, "tsconfig.json"),
  };
  delete env.DATABASE_URL;
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "scripts/start.ts")], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on("exit", r));

  // As root the cluster lives outside the checkout; remove it with the directory.
  const elsewhere = /его данные — в (\S+)/.exec(out)?.[1];
  if (elsewhere) rmSync(elsewhere, { recursive: true, force: true });

  expect(code).toBe(1);
  expect(out).not.toMatch(/^\s+at /m);
  const lines = out.trim().split("\n");
  const progress = /Создаю встроенную базу|Каталог проекта закрыт|Локаль C\.UTF-8 недоступна/;
  expect(lines.filter((l) => !progress.test(l))).toEqual([expect.stringMatching(/^\[start\] Встроенный PostgreSQL/)]);
  const last = lines.at(-1)!;
  expect(last).toContain(`порт ${port} занят? (EMBEDDED_PG_PORT)`);
  expect(last).toContain("Укажите DATABASE_URL");
});
