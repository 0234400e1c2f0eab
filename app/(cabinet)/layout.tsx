import { headers } from "next/headers";
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
  return (
    <div className="min-h-screen">
      <CabinetNav
        isStaff={session.actor.type === "staff"}
        isAdmin={session.actor.type === "staff" && session.actor.role === "admin"}
        userName={session.user?.name ?? ""}
        companyName={session.companyName}
        extra={session.extra}
      />
      <main className="mx-auto max-w-[1400px] px-4 py-5">{children}</main>
    </div>
  );
}
