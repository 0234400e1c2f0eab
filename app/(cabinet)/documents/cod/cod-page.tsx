"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatMoney, todayIso } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { Alert, Badge, PageHeader, SelectField, Table, TextField } from "@/components/ui";
import { codViewSchema } from "@/server/services/payments/report-schemas";

type Row = RouterOutputs["pimpayReports"]["codView"]["rows"][number];

const monthStart = () => `${todayIso().slice(0, 8)}01`;
const differs = "bg-red-50 font-semibold text-red-700";
const pending = "bg-amber-50 text-amber-900";

/** One client's (or the totals') money: the cells whose figures disagree are coloured, the reasons listed. */
function MoneyRow({ r, total = false }: { r: Row; total?: boolean }) {
  const cdekDiffers = r.collectedCdek !== r.remittedCdek;
  return (
    <tr className={total ? "bg-slate-50 font-semibold" : r.mismatches.length ? "bg-amber-50/40" : undefined}>
      <td>
        {r.clientName}
        {!total && r.viaPimpay && (
          <span className="ml-1.5">
            <Badge tone="blue">PimPay</Badge>
          </span>
        )}
        {r.inn && <div className="text-xs text-slate-500">ИНН {r.inn}</div>}
      </td>
      <td className="text-right tabular-nums">
        {r.delivered} / {r.orders}
      </td>
      <td className="text-right tabular-nums">{formatMoney(r.expected)}</td>
      <td className="text-right tabular-nums">{formatMoney(r.collected)}</td>
      <td
        className={`text-right tabular-nums ${cdekDiffers ? differs : ""}`}
        title={cdekDiffers ? `СДЭК: собрано ${r.collectedCdek}, перечислено ${r.remittedCdek}` : undefined}
      >
        {formatMoney(r.remitted)}
      </td>
      <td className={`text-right tabular-nums ${r.deliveredNotSent ? pending : ""}`}>{formatMoney(r.sentToPimpay)}</td>
      <td className={`text-right tabular-nums ${r.sentNotVerified ? pending : ""}`}>{formatMoney(r.verified)}</td>
      <td className="text-sm">
        {r.mismatches.length ? (
          <ul className="list-disc pl-4 text-amber-900">
            {r.mismatches.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : (
          <Badge tone="green">сходится</Badge>
        )}
      </td>
    </tr>
  );
}

export function CodPage() {
  const trpc = useTRPC();
  const [from, setFrom] = useState(monthStart);
  const [to, setTo] = useState(todayIso);
  const [clientId, setClientId] = useState("");
  const clients = useQuery(trpc.clients.list.queryOptions({}));
  const input = { from, to, clientId: clientId ? Number(clientId) : undefined };
  const checked = codViewSchema.safeParse(input);
  const fieldError = (f: string) =>
    checked.success ? undefined : checked.error.issues.find((i) => i.path[0] === f)?.message;
  const view = useQuery({
    ...trpc.pimpayReports.codView.queryOptions(input),
    enabled: checked.success,
    placeholderData: keepPreviousData,
  });
  const query = new URLSearchParams({ from, to, ...(clientId ? { clientId } : {}) });

  return (
    <div>
      <PageHeader
        title="Наложенный платёж"
        subtitle="Заказы с наложенным платежом, созданные за период: сколько ждём, собрано, перечислено, передано в PimPay и сверено"
        actions={
          checked.success && (
            <a
              href={`/api/payments/cod-export?${query.toString()}`}
              className="inline-flex items-center gap-1 rounded-md bg-blue-600 px-3 py-1.5 font-medium text-white hover:bg-blue-700"
            >
              Скачать xlsx
            </a>
          )
        }
      />
      <div className="mb-4 grid items-start gap-3 md:grid-cols-4">
        <SelectField label="Клиент" value={clientId} onChange={(e) => setClientId(e.target.value)}>
          <option value="">Все клиенты</option>
          {clients.data?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label="С"
          type="date"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          error={fieldError("from")}
        />
        <TextField label="По" type="date" value={to} onChange={(e) => setTo(e.target.value)} error={fieldError("to")} />
      </div>
      {checked.success ? (
        <QueryState
          query={view}
          empty="За период нет заказов с наложенным платежом"
          isEmpty={(d) => d.rows.length === 0}
        >
          {(d) => (
            <div className={view.isPlaceholderData ? "opacity-60" : undefined}>
              <Table>
                <thead>
                  <tr>
                    <th>Клиент</th>
                    <th className="text-right">Доставлено / заказов</th>
                    <th className="text-right">Ожидается</th>
                    <th className="text-right">Собрано</th>
                    <th className="text-right">Перечислено</th>
                    <th className="text-right">Передано в PimPay</th>
                    <th className="text-right">Сверено</th>
                    <th>Расхождения</th>
                  </tr>
                </thead>
                <tbody>
                  {d.rows.map((r) => (
                    <MoneyRow key={r.clientId} r={r} />
                  ))}
                </tbody>
                {d.totals && (
                  <tfoot>
                    <MoneyRow r={d.totals} total />
                  </tfoot>
                )}
              </Table>
              <p className="mt-2 text-xs text-slate-500">
                «Перечислено» — что СДЭК перечислил по загруженным реестрам за переданные ему заказы, плюс наложенный
                платёж доставленных нами самими заказов (эти деньги уже у нас). Красным — собранное СДЭК не равно
                перечисленному, жёлтым — доставленное не передано в PimPay или переданное не сверено.
              </p>
            </div>
          )}
        </QueryState>
      ) : (
        <Alert tone="amber">Исправьте период: {checked.error.issues[0]?.message}</Alert>
      )}
    </div>
  );
}
