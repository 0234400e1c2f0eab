import { createHash, timingSafeEqual } from "node:crypto";

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** The app's per-shop API password InSales sets at install: lowercase hex MD5 of token + app secret. */
export function insalesPassword(token: string, secret: string): string {
  return md5(token + secret);
}

/** Constant-time comparison of two hex digests (or a stored password and the one presented). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), "utf8");
  const y = Buffer.from(b.toLowerCase(), "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The autologin signature; the sources disagree (insales.md §4), so either formula is accepted: the doc's full one
 * (with `email_confirmed`), else the official gem's (without it). The signature comes as `token` or `token3`.
 */
export function autologinSignatureOk(
  params: {
    token?: string;
    token3?: string;
    user_email: string;
    user_name: string;
    user_id: string;
    email_confirmed: string;
  },
  nonce: string,
  password: string,
): boolean {
  const given = params.token3 || params.token;
  if (!given) return false;
  const base = nonce + params.user_email + params.user_name + params.user_id;
  const full = md5(base + params.email_confirmed + password);
  const gem = md5(base + password);
  // Both compared every time, so the answer time does not tell which formula was close.
  const a = sameSecret(given, full);
  const b = sameSecret(given, gem);
  return a || b;
}
