import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { getSession } from "@/server/auth";
import { CabinetNav } from "./nav";

export const dynamic = "force-dynamic";

export default async function CabinetLayout({ children }: { children: React.ReactNode }) {
  const session = await getSession();
  if (!session) {
    const path = (await headers()).get("x-pathname") ?? "/orders";
    redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
  }
  // The sign-out form posts this token itself, so «Выйти» works even when pressed before the page's script has loaded.
  const jar = await cookies();
  const csrfCookie = jar.get("__Host-next-auth.csrf-token") ?? jar.get("next-auth.csrf-token");
  return (
    <div className="min-h-screen">
      <CabinetNav
        isStaff={session.actor.type === "staff"}
        isAdmin={session.actor.type === "staff" && session.actor.role === "admin"}
        userName={session.user?.name ?? ""}
        companyName={session.companyName}
        extra={session.extra}
        csrfToken={csrfCookie?.value.split("|")[0] ?? ""}
      />
      <main className="mx-auto max-w-[1400px] px-4 py-5">{children}</main>
    </div>
  );
}
