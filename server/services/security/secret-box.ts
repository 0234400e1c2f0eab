import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ensureLocalSecrets } from "../../runtime/secrets";

/**
 * Credentials at rest: AES-256-GCM, `v1:` + base64(iv[12] | tag[16] | ciphertext). The version prefix names the key
 * (SECRETS_KEY today), so a rotated key can be added as v2 without rewriting old rows at once. The additional data
 * binds a blob to its company and branch, so a blob copied onto another row does not decrypt.
 */
const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

let cachedKey: { raw: string; key: Buffer } | undefined;

export function secretsKey(): Buffer {
  let raw = process.env.SECRETS_KEY;
  if (!raw) {
    if (process.env.NODE_ENV === "production")
      throw new Error("SECRETS_KEY is not set: 32 random bytes, base64 (see .data/secrets.json for local runs)");
    // Local runs without the env (a bare `next dev`, scripts): the same key `npm start` generates into .data/.
    raw = ensureLocalSecrets().SECRETS_KEY;
  }
  if (cachedKey?.raw === raw) return cachedKey.key;
  const key = Buffer.from(raw, "base64");
  if (key.length !== 32) throw new Error(`SECRETS_KEY must be 32 bytes in base64, got ${key.length} bytes`);
  cachedKey = { raw, key };
  return key;
}

export function sealSecrets(values: Record<string, string>, context: string, key = secretsKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(values), "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

export function openSecrets(blob: string, context: string, key = secretsKey()): Record<string, string> {
  const sep = blob.indexOf(":");
  const version = blob.slice(0, sep);
  if (version !== VERSION) throw new Error(`unknown secrets blob version "${version}"`);
  const raw = Buffer.from(blob.slice(sep + 1), "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("secrets blob too short");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  return JSON.parse(plain) as Record<string, string>;
}

export const secretsContext = (companyId: number, branchId: number) => `integration:${companyId}:${branchId}`;

/** The context of an integration's blob by its owner: a branch's as before, a client's or the company's by integrator. */
export function ownerSecretsContext(row: {
  companyId: number;
  ownerKind: string;
  branchId: number | null;
  clientId: number | null;
  integrator: string;
}) {
  if (row.ownerKind === "branch" && row.branchId !== null) return secretsContext(row.companyId, row.branchId);
  return `integration:${row.companyId}:${row.ownerKind}:${row.clientId ?? ""}:${row.integrator}`;
}
