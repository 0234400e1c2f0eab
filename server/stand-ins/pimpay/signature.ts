import { createHash, createPublicKey, type KeyObject, verify, X509Certificate } from "node:crypto";
import type { Digest } from "./reference";

/** `X-Request-Signature`: RSA PKCS#1 v1.5 over the exact HTTP body bytes, base64 (protocol note §2.1). */

export class KeyError extends Error {}

export interface ParsedKey {
  key: KeyObject;
  pem: string;
  fingerprint: string;
  bits: number;
}

/** A public key as a courier company pastes it into PimPay's cabinet: SPKI, PKCS#1 RSA or an X.509 certificate. */
export function parsePublicKey(pem: string): ParsedKey {
  const text = pem.trim();
  if (/PRIVATE KEY-----/.test(text))
    throw new KeyError("Передан закрытый ключ: в кабинет PimPay загружается только открытый (public.pem)");
  let key: KeyObject;
  try {
    key = text.includes("BEGIN CERTIFICATE") ? new X509Certificate(text).publicKey : createPublicKey(text);
  } catch (e) {
    throw new KeyError(`Не удалось прочитать открытый ключ PEM: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (key.asymmetricKeyType !== "rsa") throw new KeyError("Нужен RSA-ключ (PimPay проверяет подпись RSA)");
  const der = key.export({ type: "spki", format: "der" });
  return {
    key,
    pem: key.export({ type: "spki", format: "pem" }).toString(),
    fingerprint: createHash("sha256").update(der).digest("hex"),
    bits: key.asymmetricKeyDetails?.modulusLength ?? 0,
  };
}

export interface SignatureCheck {
  ok: boolean;
  digest?: Digest;
  reason?: string;
}

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/** Verifies the header against the body with each allowed digest in turn. */
export function checkSignature(body: Buffer, header: string | undefined, key: KeyObject, digests: Digest[]) {
  if (header === undefined || !header.trim()) return { ok: false, reason: "нет заголовка X-Request-Signature" };
  const compact = header.replace(/\s+/g, "");
  if (!BASE64_RE.test(compact) || compact.length % 4 !== 0)
    return { ok: false, reason: "заголовок X-Request-Signature не в base64" };
  const signature = Buffer.from(compact, "base64");
  for (const digest of digests) if (verify(digest, body, key, signature)) return { ok: true, digest };
  const names = digests.map((d) => `RSA-${d.toUpperCase()}`).join(", ");
  return {
    ok: false,
    reason: `подпись не соответствует телу запроса и открытому ключу токена (проверены ${names}, PKCS#1 v1.5)`,
  } satisfies SignatureCheck;
}
