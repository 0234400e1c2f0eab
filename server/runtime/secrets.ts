import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Secrets for a local run: taken from the environment when set, otherwise generated once into
 * `.data/secrets.json` so sessions and encrypted credentials survive restarts.
 */
export function ensureLocalSecrets(dataDir = ".data"): { NEXTAUTH_SECRET: string; SECRETS_KEY: string } {
  const file = path.resolve(dataDir, "secrets.json");
  let stored: Record<string, string> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  const result = {
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? stored.NEXTAUTH_SECRET ?? randomBytes(32).toString("base64url"),
    SECRETS_KEY: process.env.SECRETS_KEY ?? stored.SECRETS_KEY ?? randomBytes(32).toString("base64"),
  };
  if (!process.env.NEXTAUTH_SECRET || !process.env.SECRETS_KEY) {
    const merged = { ...stored };
    if (!process.env.NEXTAUTH_SECRET) merged.NEXTAUTH_SECRET = result.NEXTAUTH_SECRET;
    if (!process.env.SECRETS_KEY) merged.SECRETS_KEY = result.SECRETS_KEY;
    if (JSON.stringify(merged) !== JSON.stringify(stored)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(merged, null, 2), { mode: 0o600 });
    }
  }
  return result;
}
