"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorInfo } from "@/components/errors";
import { formatDateTime } from "@/components/format";
import { StatusBadge } from "@/components/order-status";
import { QueryState } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { useFormErrors } from "@/components/use-form-errors";
import { Alert, Badge, Button, Card, Select, SelectField, Table, Tabs, TextField } from "@/components/ui";
import { ORDER_STATUSES, type OrderStatus, statusTitle } from "@/server/services/orders/statuses";
import { saveStatusMappingSchema, STATUS_CODE_MAX } from "@/server/services/status-mapping/schemas";

type Integrator = RouterOutputs["statusMapping"]["list"]["integrators"][number];
type Row = Integrator["rows"][number];
type Outcome = RouterOutputs["statusMapping"]["save"];

const STATUS_OPTIONS = Object.entries(ORDER_STATUSES) as [OrderStatus, string][];

const isWaiting = (r: Row) => r.waitingEvents > 0 || (r.status === null && r.firstSeenAt !== null);

function outcomeText(o: Outcome) {
  const meaning = o.status ? `«${statusTitle(o.status)}»` : "не сопоставлен";
  const head = `Код ${o.code}: ${meaning}${o.isDefault ? " (по умолчанию)" : ""}.`;
  if (o.applied === 0) return head;
  return `${head} Применено ожидавших статусов: ${o.applied}; статус изменился у заказов: ${o.ordersChanged}.`;
}

/** «Интеграция → Статусы партнёров»: each integrator's codes, what they mean for this company, and the unmapped ones. */
export function StatusMappingScreen() {
  const trpc = useTRPC();
  const query = useQuery(trpc.statusMapping.list.queryOptions());
  const [active, setActive] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  return (
    <QueryState query={query} isEmpty={(d) => d.integrators.length === 0} empty="Интеграторов нет">
      {(data) => {
        const current = data.integrators.find((i) => i.integrator === active) ?? data.integrators[0]!;
        return (
          <div className="flex flex-col gap-4">
            <Tabs
              tabs={data.integrators.map((i) => {
                const waiting = i.rows.filter(isWaiting).length;
                return {
                  id: i.integrator,
                  label: waiting ? `${i.title} · ждут ${waiting}` : i.title,
                  invalid: waiting > 0,
                };
              })}
              active={current.integrator}
              onChange={(id) => {
                setActive(id);
                setOutcome(null);
              }}
            />
            {!data.canEdit && (
              <Alert tone="blue">Сопоставление статусов может изменить только администратор курьерской службы.</Alert>
            )}
            {outcome && outcome.integrator === current.integrator && <Alert tone="green">{outcomeText(outcome)}</Alert>}
            <IntegratorPanel
              key={current.integrator}
              integrator={current}
              canEdit={data.canEdit}
              onSaved={setOutcome}
            />
          </div>
        );
      }}
    </QueryState>
  );
}

function IntegratorPanel({
  integrator,
  canEdit,
  onSaved,
}: {
  integrator: Integrator;
  canEdit: boolean;
  onSaved: (o: Outcome) => void;
}) {
  const waiting = integrator.rows.filter(isWaiting);
  const rest = integrator.rows.filter((r) => !isWaiting(r));
  return (
    <>
      {waiting.length > 0 && (
        <Card title="Ждут сопоставления">
          <p className="mb-3 text-slate-600">
            Эти коды партнёр прислал, но в таблице их нет: статусы заказов по ним не изменены. Выберите наш статус —
            ожидающие статусы сразу применятся к заказам.
          </p>
          <Table>
            <thead>
              <tr>
                <th>Код партнёра</th>
                <th>Текст партнёра</th>
                <th className="text-right">Заказов</th>
                <th>Впервые</th>
                <th>Наш статус</th>
                <th className="text-right">Действия</th>
              </tr>
            </thead>
            <tbody>
              {waiting.map((r) => (
                <MappingRow
                  key={`${r.code}|${r.status}|${r.overridden}`}
                  integrator={integrator.integrator}
                  row={r}
                  canEdit={canEdit}
                  onSaved={onSaved}
                  waiting
                />
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <Card title={`Таблица статусов: ${integrator.title}`}>
        {rest.length === 0 ? (
          <p className="text-slate-600">
            Таблица пуста: коды появятся здесь, когда партнёр их пришлёт, или добавьте код ниже.
          </p>
        ) : (
          <Table>
            <thead>
              <tr>
                <th>Код партнёра</th>
                <th>Текст партнёра</th>
                <th>Наш статус</th>
                <th className="text-right">Действия</th>
              </tr>
            </thead>
            <tbody>
              {rest.map((r) => (
                <MappingRow
                  key={`${r.code}|${r.status}|${r.overridden}`}
                  integrator={integrator.integrator}
                  row={r}
                  canEdit={canEdit}
                  onSaved={onSaved}
                />
              ))}
            </tbody>
          </Table>
        )}
        {canEdit && <AddCode integrator={integrator.integrator} onSaved={onSaved} />}
      </Card>
    </>
  );
}

function useMappingMutations(onSaved: (o: Outcome) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = async (o: Outcome) => {
    onSaved(o);
    await queryClient.invalidateQueries({ queryKey: trpc.statusMapping.pathKey() });
    // Re-applied statuses changed orders and their exchange log.
    if (o.applied > 0)
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.sync.pathKey() }),
      ]);
  };
  const save = useMutation(trpc.statusMapping.save.mutationOptions({ onSuccess }));
  const reset = useMutation(trpc.statusMapping.reset.mutationOptions({ onSuccess }));
  return { save, reset };
}

function MappingRow({
  integrator,
  row,
  canEdit,
  onSaved,
  waiting = false,
}: {
  integrator: string;
  row: Row;
  canEdit: boolean;
  onSaved: (o: Outcome) => void;
  waiting?: boolean;
}) {
  const [choice, setChoice] = useState<string>(row.status ?? "");
  const { save, reset } = useMappingMutations(onSaved);
  const busy = save.isPending || reset.isPending;
  const error = errorInfo(save.error ?? reset.error).message;
  const selectId = `status-${integrator}-${row.code}`;
  // A mapped code with events still waiting (mapped while a batch was in flight): saving it again applies them.
  const canSave = choice !== "" && (choice !== row.status || row.waitingEvents > 0);

  return (
    <tr className={waiting ? "bg-amber-50/40" : undefined}>
      <td className="font-mono text-xs">{row.code}</td>
      <td>{row.title ?? <span className="text-slate-400">—</span>}</td>
      {waiting && (
        <>
          <td className="text-right tabular-nums">{row.waitingOrders}</td>
          <td className="whitespace-nowrap tabular-nums">{formatDateTime(row.firstSeenAt ?? row.waitingSince)}</td>
        </>
      )}
      <td>
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={selectId} className="sr-only">
            Наш статус для кода {row.code}
          </label>
          {canEdit ? (
            <Select id={selectId} value={choice} onChange={(e) => setChoice(e.target.value)} disabled={busy}>
              <option value="">— не сопоставлен —</option>
              {STATUS_OPTIONS.map(([code, title]) => (
                <option key={code} value={code}>
                  {title} ({code})
                </option>
              ))}
            </Select>
          ) : row.status ? (
            <StatusBadge status={row.status} />
          ) : (
            <Badge tone="amber">не сопоставлен</Badge>
          )}
          {row.overridden ? (
            <span className="text-xs text-slate-500">
              изменён; по умолчанию: {row.defaultStatus ? statusTitle(row.defaultStatus) : "не сопоставлен"}
            </span>
          ) : (
            row.status && <Badge>по умолчанию</Badge>
          )}
        </div>
        {error && <p className="mt-1 text-xs text-red-600">{error}</p>}
      </td>
      <td className="text-right whitespace-nowrap">
        {canEdit && (
          <div className="flex justify-end gap-1">
            <Button
              type="button"
              disabled={!canSave || busy}
              onClick={() => save.mutate({ integrator, code: row.code, status: choice as OrderStatus })}
            >
              {save.isPending ? "Сохранение…" : waiting ? "Сопоставить" : "Сохранить"}
            </Button>
            {row.overridden && (
              <Button
                type="button"
                variant="secondary"
                disabled={busy}
                onClick={() => reset.mutate({ integrator, code: row.code })}
              >
                По умолчанию
              </Button>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}

/** A code the partner has not sent yet (its dictionary known from its documentation). */
function AddCode({ integrator, onSaved }: { integrator: string; onSaved: (o: Outcome) => void }) {
  const [code, setCode] = useState("");
  const [status, setStatus] = useState("");
  const form = useFormErrors();
  const { save } = useMappingMutations((o) => {
    setCode("");
    setStatus("");
    onSaved(o);
  });
  return (
    <form
      className="mt-4 flex flex-wrap items-end gap-3 border-t border-slate-100 pt-4"
      onSubmit={(e) => {
        e.preventDefault();
        const input = form.validate(saveStatusMappingSchema, { integrator, code, status: status || undefined });
        if (input) save.mutate(input, { onError: form.onServerError });
      }}
    >
      <TextField
        label="Код партнёра"
        value={code}
        maxLength={STATUS_CODE_MAX}
        onChange={(e) => {
          setCode(e.target.value);
          form.clearError("code");
        }}
        error={form.errors.code}
      />
      <SelectField
        label="Наш статус"
        value={status}
        onChange={(e) => {
          setStatus(e.target.value);
          form.clearError("status");
        }}
        error={form.errors.status}
      >
        <option value="">Выберите статус…</option>
        {STATUS_OPTIONS.map(([c, title]) => (
          <option key={c} value={c}>
            {title} ({c})
          </option>
        ))}
      </SelectField>
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? "Сохранение…" : "Добавить код"}
      </Button>
      {form.banner && <p className="w-full text-xs text-red-600">{form.banner}</p>}
    </form>
  );
}
