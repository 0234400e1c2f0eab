import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { authenticate, type SignedInUser } from "./services/auth/authenticate";
import type { Actor } from "./services/context";
import { ServiceError } from "./services/errors";

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
  }
}

function clientIp(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const first = typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined;
  const real = headers?.["x-real-ip"];
  return first || (typeof real === "string" ? real : "") || "local";
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login", error: "/login" },
  secret: process.env.NEXTAUTH_SECRET,
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
          const signedIn = await authenticate(getDb(), credentials, clientIp(req?.headers));
          return { id: `${signedIn.actor.type}:${signedIn.actor.companyId}:${signedIn.name}`, name: signedIn.name, signedIn };
        } catch (e) {
          // next-auth passes the message to the sign-in form; only our own Russian messages may reach it.
          if (e instanceof ServiceError) throw new Error(e.message);
          console.error("sign-in failed", e);
          throw new Error("Сервис временно недоступен, попробуйте позже");
        }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.signedIn) token.signedIn = user.signedIn;
      return token;
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
};

export async function getSession() {
  const session = await getServerSession(authOptions);
  return session?.actor ? session : null;
}
