/** Pure CDEK v2 request/response shapes (cdek-v2.md §1). Order exchange mappers come with the exchange issue. */

export const CDEK_PRODUCTION_BASE = "https://api.cdek.ru";
export const CDEK_TEST_BASE = "https://api.edu.cdek.ru";

export function cdekBaseUrl(settings: { testMode: boolean; apiUrl?: string }): string {
  return (settings.apiUrl || (settings.testMode ? CDEK_TEST_BASE : CDEK_PRODUCTION_BASE)).replace(/\/+$/, "");
}

/** The token request as a form body: keeps the secret out of URLs and access logs (CDEK accepts both forms). */
export function buildTokenRequest(account: string, securePassword: string) {
  return new URLSearchParams({
    grant_type: "client_credentials",
    client_id: account,
    client_secret: securePassword,
  }).toString();
}

export type TokenAnswer =
  | { ok: true; accessToken: string; expiresIn: number | undefined }
  | { ok: false; error: string; description?: string }
  | { ok: "unexpected"; detail: string };

export function parseTokenResponse(status: number, body: string): TokenAnswer {
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object") json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (status === 200 && typeof json?.access_token === "string") {
    return {
      ok: true,
      accessToken: json.access_token,
      expiresIn: typeof json.expires_in === "number" ? json.expires_in : undefined,
    };
  }
  if (json && (typeof json.error === "string" || typeof json.error_description === "string")) {
    return {
      ok: false,
      error: String(json.error ?? "error"),
      description: typeof json.error_description === "string" ? json.error_description : undefined,
    };
  }
  // Validation-style error list: {errors:[{code,message}]}.
  const first = Array.isArray(json?.errors)
    ? (json.errors[0] as { code?: string; message?: string } | undefined)
    : undefined;
  if (first) return { ok: false, error: first.code ?? "error", description: first.message };
  return { ok: "unexpected", detail: `HTTP ${status}` };
}

export interface CdekError {
  code: string;
  message: string;
}

/**
 * Errors from any CDEK answer: a 400 comes as `{requests:[{state:"INVALID", errors}]}` or as `{errors}` (cdek-v2.md
 * §2.3), an order read carries them on its CREATE request.
 */
export function cdekErrors(json: unknown): CdekError[] {
  const out: CdekError[] = [];
  const take = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const e of list as { code?: unknown; message?: unknown }[]) {
      out.push({ code: String(e?.code ?? "error"), message: String(e?.message ?? "") });
    }
  };
  const root = json as { errors?: unknown; requests?: { errors?: unknown }[] } | null;
  take(root?.errors);
  if (Array.isArray(root?.requests)) for (const r of root.requests) take(r?.errors);
  return out;
}
