import type { TokenCache } from "./types";

/** For a probe or a test without a database: the token cache's contract, kept in this process only. */
export function memoryTokenCache(refreshBeforeMs = 5 * 60_000): TokenCache {
  let cached: { token: string; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  return {
    async get(obtain, rejected) {
      if (cached && cached.token !== rejected && cached.expiresAt - Date.now() > refreshBeforeMs) return cached.token;
      inFlight ??= obtain()
        .then((t) => {
          cached = { token: t.token, expiresAt: Date.now() + t.expiresInSec * 1000 };
          return t.token;
        })
        .finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}
