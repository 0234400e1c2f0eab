"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState } from "react";

const staffLinks = [
  { href: "/", label: "Сводка" },
  { href: "/orders", label: "Заказы" },
  { href: "/manifests", label: "Манифесты" },
  { href: "/documents/remittances", label: "Документы" },
  { href: "/clients", label: "Клиенты" },
  { href: "/directories/branches", label: "Справочники" },
  { href: "/integration", label: "Интеграция" },
  { href: "/apps", label: "Приложения" },
  { href: "/client-integration", label: "Интеграция с клиентами" },
  { href: "/automation", label: "Автоматизация" },
];
const clientLinks = [
  { href: "/orders", label: "Мои заказы" },
  { href: "/apps", label: "Приложения" },
  // The same section as staff's «Интеграция с клиентами», seen from the shop's side.
  { href: "/client-integration", label: "Подключение магазина" },
  { href: "/automation", label: "Автоматизация" },
];
// The sign-in journal is the company admins' alone (the page and the procedure check it again).
const adminLinks = [
  { href: "/users", label: "Пользователи" },
  { href: "/settings", label: "Настройки" },
  { href: "/security", label: "Безопасность" },
];

type NavProps = {
  isStaff: boolean;
  isAdmin?: boolean;
  userName: string;
  companyName: string;
  extra: number;
  csrfToken: string;
};

export function CabinetNav({ isStaff, isAdmin = false, userName, companyName, extra, csrfToken }: NavProps) {
  const pathname = usePathname();
  const links = isStaff ? [...staffLinks, ...(isAdmin ? adminLinks : [])] : clientLinks;
  // On a phone the sections fold behind «Меню»; following a link closes it again.
  const [open, setOpen] = useState(false);
  const [openedAt, setOpenedAt] = useState(pathname);
  if (openedAt !== pathname) {
    setOpenedAt(pathname);
    setOpen(false);
  }
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-[1400px] flex-wrap items-center gap-x-6 px-4">
        <Link href={isStaff ? "/" : "/orders"} className="py-3 font-semibold text-blue-700">
          Курьер-Хаб
        </Link>
        <button
          type="button"
          className="ml-auto rounded-md border border-slate-300 px-2.5 py-1 text-slate-700 md:hidden"
          aria-expanded={open}
          aria-controls="cabinet-sections"
          onClick={() => setOpen((v) => !v)}
        >
          {open ? "Закрыть" : "Меню"}
        </button>
        <nav
          id="cabinet-sections"
          className={`${open ? "flex" : "hidden"} w-full flex-col gap-1 pb-3 md:flex md:w-auto md:flex-1 md:flex-row md:flex-wrap md:items-center md:pb-0`}
          aria-label="Разделы"
        >
          {links.map((l) => {
            const active =
              pathname === l.href ||
              pathname.startsWith(`${l.href}/`) ||
              (l.href === "/directories/branches" && pathname.startsWith("/directories"));
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
        <div
          className={`${open ? "flex" : "hidden"} w-full items-center justify-between gap-3 pb-3 text-xs text-slate-500 md:flex md:w-auto md:pb-0`}
        >
          <span data-testid="whoami" className="min-w-0 break-words">
            {/* Staff change their own password there; a client's is on its «Подключение магазина». */}
            {isStaff ? (
              <Link href="/users/password" title="Сменить пароль" className="hover:text-blue-700 hover:underline">
                {userName}
              </Link>
            ) : (
              userName
            )}{" "}
            · {companyName} ({extra})
          </span>
          {/* A plain form first: before hydration it posts to next-auth directly (a missing token gets its
              confirmation page); once the script runs, signOut does the same without a page load. */}
          <form
            method="post"
            action="/api/auth/signout"
            onSubmit={(e) => {
              e.preventDefault();
              void signOut({ callbackUrl: "/login" });
            }}
          >
            <input type="hidden" name="csrfToken" value={csrfToken} />
            <input type="hidden" name="callbackUrl" value="/login" />
            <button type="submit" className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100">
              Выйти
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
