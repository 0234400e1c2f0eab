"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/documents/remittances", label: "Входящие АПД" },
  { href: "/documents/cod", label: "Наложенный платёж" },
  { href: "/documents/verifications", label: "Сверки PimPay" },
];

/** The documents section's pages: the main menu leads to the first, these links to the rest. */
export function DocumentsNav() {
  const path = usePathname();
  return (
    <nav aria-label="Документы" className="mb-4 flex gap-1 border-b border-slate-200">
      {LINKS.map((l) => {
        const active = path === l.href || path.startsWith(`${l.href}/`);
        return (
          <Link
            key={l.href}
            href={l.href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 font-medium ${active ? "border-blue-600 text-blue-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
