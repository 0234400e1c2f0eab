import { NextResponse, type NextRequest } from "next/server";

// Lets the cabinet layout send a signed-out visitor back to the page they asked for after sign-in.
export function proxy(req: NextRequest) {
  const headers = new Headers(req.headers);
  headers.set("x-pathname", req.nextUrl.pathname + req.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/((?!api|_next|favicon.ico).*)"] };
