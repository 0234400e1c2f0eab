"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

// Sections of the directories; later issues add more groups and entries here.
const GROUPS = [{ title: "Межгород", links: [{ href: "/directories/branches", label: "Филиалы" }] }];

export function DirectoriesMenu() {
  const pathname = usePathname();
  return (
    <nav aria-label="Справочники" className="w-48 shrink-0">
      <div className="mb-2 text-xs font-semibold uppercase tracking-wider text-slate-500">Справочники</div>
      {GROUPS.map((g) => (
        <div key={g.title} className="mb-3">
          <div className="px-2 py-1 font-medium text-slate-700">{g.title}</div>
          {g.links.map((l) => (
            <Link
              key={l.href}
              href={l.href}
              aria-current={pathname === l.href ? "page" : undefined}
              className={`block rounded-md px-2 py-1.5 pl-4 ${pathname === l.href ? "bg-blue-50 font-medium text-blue-700" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {l.label}
            </Link>
          ))}
        </div>
      ))}
    </nav>
  );
}
