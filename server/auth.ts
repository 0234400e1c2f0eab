import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { cache } from "react";
import { getDb } from "@/db/client";
import { authenticate, type SignedInUser } from "./services/auth/authenticate";
import { safeCallbackPath } from "./services/auth/callback-url";
import { revokeSession, sessionIsCurrent } from "./services/auth/sessions";
import type { Actor } from "./services/context";
import { ServiceError } from "./services/errors";
import { signInByShopTicket } from "./services/shop-apps/sign-in";
import { clientIp, requestIsHttps } from "./services/security/client-ip";

declare module "next-auth" {
  interface Session {
    actor: Actor & { type: "staff" | "client" };
    companyName: string;
    extra: number;
  }
  interface User {
    signedIn: SignedInUser;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    signedIn?: SignedInUser;
    /** Random per sign-in, so «Выйти» can revoke this one session. */
    sid?: string;
  }
}

type RequestHeaders = Headers | Record<string, unknown>;

const SESSION_MAX_AGE = 12 * 60 * 60;

/** The deployment's public address when configured; otherwise each request says whether it came over https. */
function secureCookies(h: RequestHeaders): boolean {
  const publicUrl = process.env.NEXTAUTH_URL || process.env.PUBLIC_URL;
  return publicUrl ? publicUrl.startsWith("https://") : requestIsHttps(h);
}

/** Options for one request: cookies are `Secure` (and `__Secure-` named) when the browser talks https. */
export function authOptionsFor(h: RequestHeaders): NextAuthOptions {
  return {
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
    pages: { signIn: "/login", error: "/login" },
    secret: process.env.NEXTAUTH_SECRET,
    useSecureCookies: secureCookies(h),
    providers: [
      CredentialsProvider({
        name: "Курьерская служба",
        credentials: {
          extra: { label: "Код службы", type: "text" },
          login: { label: "Логин", type: "text" },
          password: { label: "Пароль", type: "password" },
        },
        async authorize(credentials, req) {
          try {
            const ip = clientIp(req?.headers ?? h);
            const signedIn = await authenticate(getDb(), credentials, ip, "cabinet");
            const id = `${signedIn.actor.type}:${signedIn.actor.companyId}:${signedIn.name}`;
            return { id, name: signedIn.name, signedIn };
          } catch (e) {
            // next-auth passes the message to the sign-in form; only our own Russian messages may reach it.
            if (e instanceof ServiceError) throw new Error(e.message);
            console.error("sign-in failed", e);
            throw new Error("Сервис временно недоступен, попробуйте позже");
          }
        },
      }),
      // The one-time ticket of an InSales autologin or link (single use, 5 minutes, bound to one client account).
      CredentialsProvider({
        id: "shop-app",
        name: "Приложение магазина",
        credentials: { ticket: { label: "Билет", type: "text" } },
        async authorize(credentials) {
          try {
            const signedIn = await signInByShopTicket(getDb(), credentials?.ticket);
            return { id: `client:${signedIn.actor.companyId}:${signedIn.name}`, name: signedIn.name, signedIn };
          } catch (e) {
            if (e instanceof ServiceError) throw new Error(e.message);
            console.error("shop-app sign-in failed", e);
            throw new Error("Сервис временно недоступен, попробуйте позже");
          }
        },
      }),
    ],
    callbacks: {
      // Same-origin paths only: `/\host` and `/<tab>/host` are other sites to a browser.
      redirect: ({ url, baseUrl }) => new URL(safeCallbackPath(url, baseUrl, "/orders"), baseUrl).toString(),
      async jwt({ token, user }) {
        if (user?.signedIn) return { ...token, signedIn: user.signedIn, sid: randomUUID() };
        // Every session read checks the account's version and this session's sign-out; a stale one is emptied.
        if (token.signedIn && token.sid) {
          const { actor, sessionVersion = 0 } = token.signedIn;
          const ref = { actor, sessionVersion, sessionId: token.sid };
          if (await sessionIsCurrent(getDb(), ref)) return token;
        }
        return { ...token, signedIn: undefined };
      },
      session({ session, token }) {
        if (token.signedIn) {
          session.actor = token.signedIn.actor;
          session.companyName = token.signedIn.companyName;
          session.extra = token.signedIn.extra;
          session.user = { name: token.signedIn.name };
        }
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (!token?.sid) return;
        const exp = (token.exp as number | undefined) ?? Date.now() / 1000 + SESSION_MAX_AGE;
        await revokeSession(getDb(), token.sid, new Date(exp * 1000));
      },
    },
  };
}

/** The signed-in account for pages and the tRPC route, or null (also for a revoked session); one lookup per request. */
export const getSession = cache(async () => {
  const session = await getServerSession(authOptionsFor(await headers()));
  return session?.actor ? session : null;
});
