"use client";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { CMS_GUIDES } from "./cms";

const BASE = "/client-integration";
const LINKS = [
  { href: BASE, label: "Подключение" },
  { href: `${BASE}/api-reference`, label: "Справочник XML API" },
  ...CMS_GUIDES.map((g) => ({ href: `${BASE}/${g.slug}`, label: g.title })),
];

/** The section's pages; the client picked by staff (`?client=`) stays picked from page to page. */
export function SectionNav() {
  const pathname = usePathname();
  const client = useSearchParams().get("client");
  const qs = client && /^\d+$/.test(client) ? `?client=${client}` : "";
  return (
    <nav aria-label="Интеграция с клиентами" className="mb-4 flex flex-wrap gap-1 border-b border-slate-200 pb-2">
      {LINKS.map((l) => {
        const active = pathname === l.href;
        return (
          <Link
            key={l.href}
            href={`${l.href}${qs}`}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-2.5 py-1 ${active ? "bg-blue-50 font-medium text-blue-700" : "text-slate-600 hover:bg-slate-100"}`}
          >
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
