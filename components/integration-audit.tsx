"use client";
import { useQuery } from "@tanstack/react-query";
import { integratorForm } from "@/server/integrators/catalog";
import { AUDIT_ACTION_TITLES, HEALTH_TITLES, type HealthStatus } from "@/server/services/integrations/schemas";
import { formatDateTime } from "./integration-health";
import { IntegrationModal } from "./integration-modal";
import { QueryState } from "./query-state";
import { useTRPC } from "./trpc";
import { Table } from "./ui";

function fieldLabel(integrator: string, name: string) {
  if (name === "integrator") return "интегратор";
  if (name === "enabled") return "включена";
  return integratorForm(integrator)?.fields.find((f) => f.name === name)?.label ?? name;
}

/** The branch's integration history: who, when, what, which fields (values are never recorded). */
export function IntegrationAudit({
  branch,
  onClose,
}: {
  branch: { id: number; code: string; name: string };
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const audit = useQuery(trpc.integrations.audit.queryOptions({ branchId: branch.id }));
  return (
    <IntegrationModal title={`Журнал изменений: ${branch.code} «${branch.name}»`} onClose={onClose} wide>
      <QueryState query={audit} empty="Изменений ещё не было" framed={false}>
        {(rows) => (
          <Table>
            <thead>
              <tr>
                <th>Когда</th>
                <th>Кто</th>
                <th>Что</th>
                <th>Поля</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id}>
                  <td className="whitespace-nowrap">{formatDateTime(a.at)}</td>
                  <td>{a.actorName}</td>
                  <td>
                    {a.integratorTitle}: {AUDIT_ACTION_TITLES[a.action]}
                    {a.action === "checked" && a.detail
                      ? ` — ${HEALTH_TITLES[a.detail as HealthStatus] ?? a.detail}`
                      : ""}
                  </td>
                  <td className="text-slate-600">
                    {a.fields.map((f) => fieldLabel(a.integrator, f)).join(", ") || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
    </IntegrationModal>
  );
}
