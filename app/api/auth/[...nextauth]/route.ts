import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authOptionsFor } from "@/server/auth";

type Context = { params: Promise<{ nextauth: string[] }> };

// Options per request: whether cookies are `Secure` depends on how this request reached us.
const handler = (req: NextRequest, ctx: Context) => NextAuth(req as never, ctx as never, authOptionsFor(req.headers));
export { handler as GET, handler as POST };
