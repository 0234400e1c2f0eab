/**
 * Where to go after sign-in: only a path on `origin`. The raw value is parsed as a URL the way a browser would, so
 * `/\evil.host` and `/<tab>/evil.host` (both read as `//evil.host`) resolve to another origin and are refused, and
 * the answer is the normalised path, never the raw string. Pure: used by the login page, its form and next-auth.
 */
export function safeCallbackPath(raw: string | null | undefined, origin: string, fallback = "/orders"): string {
  if (!raw) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("/") && !path.startsWith("//") ? path : fallback;
}
