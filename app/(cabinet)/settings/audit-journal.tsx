"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Badge, Field, Select, ShowMoreButton, Table } from "@/components/ui";
import { AUDIT_SECTIONS } from "@/server/services/company-settings/schemas";

type Section = keyof typeof AUDIT_SECTIONS;
const ACTIONS: Record<string, string> = {
  create: "добавлено",
  update: "изменено",
  delete: "удалено",
  role: "роль",
  remove: "удалён",
  "password-reset": "пароль сброшен",
  "password-change": "пароль сменён",
};
const FIELDS: Record<string, string> = {
  name: "название",
  inn: "ИНН",
  address: "адрес",
  phone: "телефон",
  requiredFields: "обязательные поля",
  strictTowns: "только города справочника",
  serviceCode: "услуга",
  townFrom: "откуда",
  townTo: "куда",
  zone: "зона",
  weightFrom: "вес от",
  weightTo: "вес до",
  price: "цена",
  extraPerKg: "за кг сверх",
  minDays: "срок от",
  maxDays: "срок до",
  role: "роль",
};

const show = (v: unknown) =>
  v === null || v === undefined
    ? "—"
    : Array.isArray(v)
      ? v.join(", ") || "—"
      : typeof v === "boolean"
        ? v
          ? "да"
          : "нет"
        : String(v);

/** Who changed which setting, when, and each field's value before and after. */
export function AuditJournal() {
  const trpc = useTRPC();
  const [section, setSection] = useState<Section | "">("");
  const query = useInfiniteQuery(
    trpc.companySettings.audit.infiniteQueryOptions(
      { section: section || undefined },
      { getNextPageParam: (last) => last.next ?? undefined },
    ),
  );
  const items = query.data?.pages.flatMap((p) => p.items);
  return (
    <div className="flex flex-col gap-3">
      <div className="flex items-end gap-3 rounded-lg border border-slate-200 bg-white p-3">
        <Field label="Раздел" htmlFor="audit-section">
          <Select id="audit-section" value={section} onChange={(e) => setSection(e.target.value as Section | "")}>
            <option value="">Все</option>
            {(Object.entries(AUDIT_SECTIONS) as [Section, string][]).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <QueryState query={{ ...query, data: items }} empty="Изменений ещё не было">
        {(rows) => (
          <>
            <Table>
              <thead>
                <tr>
                  <th>Когда</th>
                  <th>Кто</th>
                  <th>Раздел</th>
                  <th>Что</th>
                  <th>Поля: было → стало</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td className="whitespace-nowrap tabular-nums">{formatDateTime(r.at)}</td>
                    <td>{r.actorName}</td>
                    <td>
                      <Badge>{AUDIT_SECTIONS[r.section as Section] ?? r.section}</Badge>
                    </td>
                    <td>
                      {r.subject && <span className="font-medium">{r.subject} </span>}
                      {ACTIONS[r.action] ?? r.action}
                    </td>
                    <td className="text-xs">
                      {Object.entries(r.changes).map(([k, [from, to]]) => (
                        <div key={k}>
                          <span className="text-slate-500">{FIELDS[k] ?? k}:</span> {show(from)} → {show(to)}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <ShowMoreButton query={query} />
          </>
        )}
      </QueryState>
    </div>
  );
}
