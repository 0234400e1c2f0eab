import Link from "next/link";
import { getSession } from "@/server/auth";

/** Server-side guard for staff sections: a client account that opens one directly gets a clear notice, not a crash. */
export async function StaffOnly({ children }: { children: React.ReactNode }) {
  const session = await getSession();
  if (session?.actor.type !== "staff") return <Forbidden />;
  return <>{children}</>;
}

export function Forbidden() {
  return (
    <div className="mx-auto mt-10 max-w-md rounded-lg border border-amber-200 bg-amber-50 p-6 text-center">
      <h1 className="text-lg font-semibold text-amber-900">Недостаточно прав</h1>
      <p className="mt-1 text-amber-900">Этот раздел доступен только сотрудникам курьерской службы.</p>
      <Link href="/orders" className="mt-3 inline-block text-blue-700 hover:underline">
        К моим заказам
      </Link>
    </div>
  );
}

/** Whether the signed-in account belongs to the courier company's staff (for server pages passing it down). */
export async function isStaffSession(): Promise<boolean> {
  const session = await getSession();
  return session?.actor.type === "staff";
}
