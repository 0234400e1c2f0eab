import type { ServiceError, ServiceErrorCode } from "@/server/services/errors";

/** Shared by the routes that answer a file into a new tab (/api/print, /api/documents). */

export const STATUS: Record<ServiceErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
};

// next.config.mjs leaves these routes' CSP to them: the browser's PDF viewer is an embedded plugin with inline styles,
// which `default-src 'none'` blocks. Anything but a PDF, and every error page, keeps a strict policy.
export const FILE_CSP = "frame-ancestors 'none'";
export const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";
const PAGE_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * `inline` so a PDF opens in the tab, `attachment` for a file to save (exports); the Russian name per RFC 5987/6266, the
 * ASCII one for old clients.
 */
export function contentDisposition(ascii: string, title: string, kind: "inline" | "attachment" = "inline") {
  const encoded = encodeURIComponent(title).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii.replace(/["\\]/g, "_")}"; filename*=UTF-8''${encoded}`;
}

export interface BackLink {
  href: string;
  text: string;
}

/** Where the error page leads back to: the order or manifest the file was asked for, else `fallback`. */
export function backLink(input: { orderId?: unknown; manifestId?: unknown }, fallback: BackLink): BackLink {
  const id = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v > 0;
  if (id(input.orderId)) return { href: `/orders/${String(input.orderId)}`, text: "Вернуться к заказу" };
  if (id(input.manifestId)) return { href: `/manifests/${String(input.manifestId)}`, text: "Вернуться к манифесту" };
  return fallback;
}

/** The status a service error answers with. */
export const statusOf = (e: ServiceError) => STATUS[e.code];

/** A signed-out visitor's tab: sign in and come back. */
export const signInFirst = (comeBack: string) =>
  new Response(null, { status: 303, headers: { location: `/login?callbackUrl=${encodeURIComponent(comeBack)}` } });

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The tab shows why there is no file, in Russian, with the way back. */
export function errorPage(title: string, heading: string, message: string, status: number, back: BackLink) {
  const html = `<!doctype html>
<html lang="ru">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(heading)}</h1>
<p>${escapeHtml(message)}</p>
<p><a href="${escapeHtml(back.href)}">${escapeHtml(back.text)}</a></p>
</body>
</html>
`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": PAGE_CSP,
      "x-frame-options": "DENY",
    },
  });
}
