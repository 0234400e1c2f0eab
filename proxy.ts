import { NextResponse, type NextRequest } from "next/server";
import { createNonce, pageSecurityHeaders } from "@/server/security-headers";

/**
 * Every page request: a CSP with a fresh nonce (Next.js reads it from the request's CSP header and puts it on its
 * inline scripts), framing refused, and `x-pathname` so the cabinet layout can send a signed-out visitor back to
 * the page they asked for after sign-in.
 */
export function proxy(req: NextRequest) {
  const security = pageSecurityHeaders(req.nextUrl.pathname, createNonce());
  const headers = new Headers(req.headers);
  headers.set("x-pathname", req.nextUrl.pathname + req.nextUrl.search);
  headers.set("Content-Security-Policy", security["Content-Security-Policy"]!);
  const res = NextResponse.next({ request: { headers } });
  for (const [name, value] of Object.entries(security)) res.headers.set(name, value);
  return res;
}

// API routes (and their large XML bodies) never pass through here: next.config.mjs gives them their headers.
export const config = { matcher: ["/((?!api|_next|favicon.ico).*)"] };
