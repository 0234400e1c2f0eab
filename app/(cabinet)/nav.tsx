"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";

const staffLinks = [
  { href: "/orders", label: "Заказы" },
  { href: "/manifests", label: "Манифесты" },
  { href: "/clients", label: "Клиенты" },
  { href: "/directories/branches", label: "Справочники" },
  { href: "/integration", label: "Интеграция" },
  { href: "/apps", label: "Приложения" },
  { href: "/automation", label: "Автоматизация" },
];
const clientLinks = [{ href: "/orders", label: "Мои заказы" }];
// The sign-in journal is the company admins' alone (the page and the procedure check it again).
const adminLinks = [{ href: "/security", label: "Безопасность" }];

type NavProps = { isStaff: boolean; isAdmin?: boolean; userName: string; companyName: string; extra: number };

export function CabinetNav({ isStaff, isAdmin = false, userName, companyName, extra }: NavProps) {
  const pathname = usePathname();
  const links = isStaff ? [...staffLinks, ...(isAdmin ? adminLinks : [])] : clientLinks;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-[1400px] items-center gap-6 px-4">
        <Link href="/orders" className="py-3 font-semibold text-blue-700">
          Курьер-Хаб
        </Link>
        <nav className="flex flex-1 flex-wrap items-center gap-1" aria-label="Разделы">
          {links.map((l) => {
            const active = pathname === l.href || pathname.startsWith(`${l.href}/`) || (l.href === "/directories/branches" && pathname.startsWith("/directories"));
            return (
              <Link
                key={l.href}
                href={l.href}
                aria-current={active ? "page" : undefined}
                className={`rounded-md px-2.5 py-1.5 ${active ? "bg-blue-50 font-medium text-blue-700" : "text-slate-600 hover:bg-slate-100"}`}
              >
                {l.label}
              </Link>
            );
          })}
        </nav>
        <div className="flex items-center gap-3 text-xs text-slate-500">
          <span data-testid="whoami">
            {userName} · {companyName} ({extra})
          </span>
          <button className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100" onClick={() => void signOut({ callbackUrl: "/login" })}>
            Выйти
          </button>
        </div>
      </div>
    </header>
  );
}
