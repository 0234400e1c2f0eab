import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getSession } from "@/server/auth";
import { safeCallbackPath } from "@/server/services/auth/callback-url";
import { requestIsHttps } from "@/server/services/security/client-ip";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

type Search = { callbackUrl?: string; extra?: string };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Search> }) {
  if (await getSession()) redirect("/orders");
  const { callbackUrl, extra } = await searchParams;
  // The browser's own Host decides what "this site" is for an absolute callbackUrl; anything else becomes /orders.
  const h = await headers();
  const origin = `${requestIsHttps(h) ? "https" : "http"}://${h.get("host") ?? "localhost"}`;
  const safeCallback = safeCallbackPath(callbackUrl, origin);
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-100 to-blue-50 p-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-lg">
        <div className="mb-5">
          <div className="text-xs font-semibold uppercase tracking-wider text-blue-600">Курьер-Хаб</div>
          <h1 className="mt-1 text-xl font-semibold">Вход в личный кабинет</h1>
          <p className="mt-1 text-slate-500">Код курьерской службы, логин и пароль</p>
        </div>
        <LoginForm callbackUrl={safeCallback} defaultExtra={extra ?? ""} />
      </div>
    </main>
  );
}
