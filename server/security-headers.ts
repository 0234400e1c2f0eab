/*
 * Security headers of the cabinet's pages (set per request in proxy.ts, which owns the CSP nonce). API routes and
 * static files get theirs from next.config.mjs: they run no scripts and may never be framed.
 */

/**
 * Pages another site may show in an iframe, by path prefix, with the origins allowed to frame them: they get
 * `frame-ancestors <origins>` instead of 'none', without X-Frame-Options. The InSales app's pages open inside the
 * shops' back office (`*.myinsales.ru`); INSALES_FRAME_ANCESTORS adds origins (space-separated), e.g. a test shop.
 */
export const FRAMEABLE_PAGES: { prefix: string; ancestors: () => string[] }[] = [
  {
    prefix: "/shop-apps/insales/",
    ancestors: () => [
      "https://*.myinsales.ru",
      ...(process.env.INSALES_FRAME_ANCESTORS ?? "").split(/\s+/).filter(Boolean),
    ],
  },
  // RetailCRM's Marketplace and module settings may show our connect and settings pages inside the CRM.
  {
    prefix: "/shop-apps/retailcrm/",
    ancestors: () => [
      "https://*.retailcrm.ru",
      "https://*.retailcrm.pro",
      "https://*.simla.com",
      ...(process.env.RETAILCRM_FRAME_ANCESTORS ?? "").split(/\s+/).filter(Boolean),
    ],
  },
];

function frameAncestors(pathname: string): string[] | null {
  const page = FRAMEABLE_PAGES.find((p) => pathname.startsWith(p.prefix));
  return page ? page.ancestors() : null;
}

/** A fresh, unguessable nonce per response: Next.js puts it on its own inline scripts and styles. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
}

export function pageSecurityHeaders(pathname: string, nonce: string, dev = process.env.NODE_ENV === "development") {
  const ancestors = frameAncestors(pathname);
  const csp = [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonce'd bootstrap loads are trusted; React needs eval only in development.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Development injects CSS for hot reload as un-nonced <style> elements.
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${ancestors?.length ? ancestors.join(" ") : "'none'"}`,
  ].join("; ");
  const headers: Record<string, string> = { "Content-Security-Policy": csp };
  if (!ancestors) headers["X-Frame-Options"] = "DENY";
  return headers;
}
