"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { PrintSelectedLabels } from "@/components/documents";
import { errorInfo } from "@/components/errors";
import { IntegrationModal } from "@/components/integration-modal";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Alert, Button, QueryError, SelectField, TextareaField } from "@/components/ui";
import { type BulkResult, MAX_BULK_FILTER, TOO_MANY_BY_FILTER } from "@/server/services/bulk/schemas";
import type { OrderFilter } from "@/server/services/orders/schemas";
import { HAND_SET_STATUSES, type OrderStatus, statusTitle } from "@/server/services/orders/statuses";

/** Refusals listed in the summary; the rest are counted. */
const SHOWN_REFUSALS = 50;
const n = (v: number) => v.toLocaleString("ru-RU");

type Action = "cancel" | "status" | "manifest";
type Summary = BulkResult & { action: Action; requested?: number };

const ACTION_TITLES: Record<Action, string> = {
  cancel: "Отмена заказов",
  status: "Смена статуса",
  manifest: "Добавление в манифест",
};

/**
 * The order list's selection bar: the picked rows, or every order matching the list's filter («все по фильтру»), and
 * what can be done with them — labels, a manifest, a status (staff), a cancellation — each through the server's
 * lifecycle rules. What the rules refused is listed with the reasons.
 */
export function BulkActions({
  isStaff,
  filter,
  selectedIds,
  onClear,
}: {
  isStaff: boolean;
  filter: OrderFilter;
  selectedIds: number[];
  onClear: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // «Все по фильтру» belongs to the filter it was chosen under: another filter drops back to the picked rows.
  const filterKey = JSON.stringify(filter);
  const [byFilterKey, setByFilterKey] = useState<string | null>(null);
  const byFilter = byFilterKey === filterKey;
  const [open, setOpen] = useState<Action | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);

  const active = selectedIds.length > 0 || byFilter;
  const count = useQuery({ ...trpc.bulk.count.queryOptions({ filter }), enabled: active });
  // Labels print by ids: «все по фильтру» is resolved to them once, on choosing it.
  const filterIds = useQuery({ ...trpc.bulk.ids.queryOptions({ filter }), enabled: byFilter });
  const selection = byFilter ? { filter } : { ids: selectedIds };
  const total = byFilter ? (count.data?.count ?? 0) : selectedIds.length;

  const done = (action: Action) => async (r: BulkResult & { requested?: number }) => {
    setOpen(null);
    setSummary({ ...r, action });
    await Promise.all(
      [trpc.orders, trpc.bulk, trpc.manifests, trpc.sync].map((router) =>
        queryClient.invalidateQueries({ queryKey: router.pathKey() }),
      ),
    );
  };
  const cancel = useMutation(trpc.bulk.cancel.mutationOptions({ onSuccess: done("cancel") }));
  const setStatus = useMutation(trpc.bulk.setStatus.mutationOptions({ onSuccess: done("status") }));
  const addToManifest = useMutation(trpc.bulk.addToManifest.mutationOptions({ onSuccess: done("manifest") }));
  const busy = cancel.isPending || setStatus.isPending || addToManifest.isPending;
  const start = (a: Action) => {
    [cancel, setStatus, addToManifest].forEach((m) => m.reset());
    setOpen(a);
  };
  const clear = () => {
    setByFilterKey(null);
    onClear();
  };
  const what = byFilter ? `все заказы по фильтру (${n(total)})` : `выбранные заказы (${n(total)})`;

  return (
    <>
      {active && (
        <div
          className="mb-3 flex flex-col gap-2 rounded-lg border border-blue-200 bg-blue-50/60 p-3"
          data-testid="bulk-bar"
        >
          {/* Not QueryState: while the ids load, the print links stay in place (empty) rather than a spinner. */}
          {byFilter && filterIds.isError ? (
            <QueryError error={filterIds.error} onRetry={() => void filterIds.refetch()} />
          ) : (
            <PrintSelectedLabels
              orderIds={byFilter ? (filterIds.data?.ids ?? []) : selectedIds}
              onClear={clear}
              showCount={false}
            />
          )}
          <div className="flex flex-wrap items-center gap-3">
            <span className="font-medium" data-testid="bulk-selected">
              {byFilter ? `Выбраны все заказы по фильтру: ${n(total)}` : `Выбрано: ${n(selectedIds.length)}`}
            </span>
            {byFilter ? (
              <Button variant="ghost" onClick={() => setByFilterKey(null)}>
                Только отмеченные ({n(selectedIds.length)})
              </Button>
            ) : count.data?.more ? (
              <span className="text-slate-600" title={TOO_MANY_BY_FILTER}>
                По фильтру больше {n(MAX_BULK_FILTER)} заказов: сузьте фильтр, чтобы выбрать все
              </span>
            ) : count.data && count.data.count > selectedIds.length ? (
              <Button variant="ghost" onClick={() => setByFilterKey(filterKey)}>
                Выбрать все по фильтру ({n(count.data.count)})
              </Button>
            ) : null}
            <span className="ml-auto flex flex-wrap gap-2">
              {isStaff && (
                <>
                  <Button variant="secondary" disabled={busy || total === 0} onClick={() => start("manifest")}>
                    Добавить в манифест
                  </Button>
                  <Button variant="secondary" disabled={busy || total === 0} onClick={() => start("status")}>
                    Сменить статус
                  </Button>
                </>
              )}
              <Button variant="danger" disabled={busy || total === 0} onClick={() => start("cancel")}>
                Отменить
              </Button>
            </span>
          </div>
        </div>
      )}

      {open === "cancel" && (
        <IntegrationModal title={`Отменить ${what}?`} onClose={() => setOpen(null)}>
          <div className="flex flex-col gap-3">
            <p className="text-slate-700">
              Каждый заказ проверяется по правилам: финальные и уже отменённые не отменяются
              {isStaff ? "" : ", а заказы, которые служба уже взяла в работу, отменить нельзя"}. Если заказ передан
              партнёру, отмена будет отправлена ему.
            </p>
            {cancel.error && <Alert>{errorInfo(cancel.error).message}</Alert>}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(null)}>
                Не отменять
              </Button>
              <Button variant="danger" disabled={busy} onClick={() => cancel.mutate(selection)}>
                {cancel.isPending ? "Отменяю…" : "Да, отменить"}
              </Button>
            </div>
          </div>
        </IntegrationModal>
      )}

      {open === "status" && (
        <StatusDialog
          what={what}
          pending={setStatus.isPending}
          error={setStatus.error}
          onClose={() => setOpen(null)}
          onSubmit={(status, comment) => setStatus.mutate({ ...selection, status, comment })}
        />
      )}

      {open === "manifest" && (
        <ManifestDialog
          what={what}
          pending={addToManifest.isPending}
          error={addToManifest.error}
          onClose={() => setOpen(null)}
          onSubmit={(manifestId) => addToManifest.mutate({ ...selection, manifestId })}
        />
      )}

      {summary && <BulkSummary summary={summary} onClose={() => setSummary(null)} />}
    </>
  );
}

function StatusDialog({
  what,
  pending,
  error,
  onClose,
  onSubmit,
}: {
  what: string;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onSubmit: (status: OrderStatus, comment: string) => void;
}) {
  const [status, setStatus] = useState("");
  const [comment, setComment] = useState("");
  const [missing, setMissing] = useState(false);
  const err = errorInfo(error);
  return (
    <IntegrationModal title="Сменить статус" onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!status) return setMissing(true);
          onSubmit(status as OrderStatus, comment);
        }}
      >
        <p className="text-slate-700">Новый статус получат {what}, кроме тех, кому его не разрешают правила.</p>
        <SelectField
          label="Новый статус"
          value={status}
          error={missing && !status ? "Выберите статус" : err.fields.status}
          onChange={(e) => setStatus(e.target.value)}
        >
          <option value="">Выберите статус…</option>
          {/* A cancellation goes through «Отменить»: the lifecycle's rule, shared with the server. */}
          {HAND_SET_STATUSES.map((code) => (
            <option key={code} value={code}>
              {statusTitle(code)}
            </option>
          ))}
        </SelectField>
        <TextareaField
          label="Комментарий"
          value={comment}
          maxLength={1000}
          rows={2}
          error={err.fields.comment}
          onChange={(e) => setComment(e.target.value)}
        />
        {err.message && !err.fields.status && !err.fields.comment && <Alert>{err.message}</Alert>}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Закрыть
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? "Меняю…" : "Сменить статус"}
          </Button>
        </div>
      </form>
    </IntegrationModal>
  );
}

function ManifestDialog({
  what,
  pending,
  error,
  onClose,
  onSubmit,
}: {
  what: string;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onSubmit: (manifestId: number) => void;
}) {
  const trpc = useTRPC();
  const drafts = useQuery(trpc.manifests.list.queryOptions({ state: "draft", limit: 200 }));
  const [manifestId, setManifestId] = useState("");
  const [missing, setMissing] = useState(false);
  const err = errorInfo(error);
  const items = drafts.data?.items ?? [];
  return (
    <IntegrationModal title="Добавить в манифест" onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!manifestId) return setMissing(true);
          onSubmit(Number(manifestId));
        }}
      >
        <p className="text-slate-700">
          В черновик манифеста попадут {what}, кроме финальных и уже лежащих в других манифестах.
        </p>
        <QueryState query={drafts}>
          {(d) =>
            d.items.length === 0 ? (
              <Alert tone="amber">Черновиков манифестов нет: создайте манифест в разделе «Манифесты»</Alert>
            ) : (
              <SelectField
                label="Манифест (черновик)"
                value={manifestId}
                error={missing && !manifestId ? "Выберите манифест" : err.fields.manifestId}
                onChange={(e) => setManifestId(e.target.value)}
              >
                <option value="">Выберите манифест…</option>
                {d.items.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.number} — {m.responsibleBranchName}, заказов: {m.orderCount}
                  </option>
                ))}
              </SelectField>
            )
          }
        </QueryState>
        {err.message && !err.fields.manifestId && <Alert>{err.message}</Alert>}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Закрыть
          </Button>
          <Button type="submit" disabled={pending || items.length === 0}>
            {pending ? "Добавляю…" : "Добавить"}
          </Button>
        </div>
      </form>
    </IntegrationModal>
  );
}

/** «Готово: X, отказано: Y» and the refused orders with the reasons: the first fifty, the rest counted. */
function BulkSummary({ summary: s, onClose }: { summary: Summary; onClose: () => void }) {
  const shown = s.refused.slice(0, SHOWN_REFUSALS);
  const rest = s.refused.length - shown.length;
  return (
    <div className="mb-3" data-testid="bulk-summary">
      <Alert tone={s.refused.length ? "amber" : "green"}>
        <div className="flex items-start justify-between gap-3">
          <div className="flex flex-col gap-1">
            <span className="font-medium">
              {ACTION_TITLES[s.action]}. Готово: {n(s.done)}, отказано: {n(s.refused.length)}
            </span>
            {!!s.requested && <span>Из них переданы партнёру, отмена отправлена ему: {n(s.requested)}</span>}
            {shown.length > 0 && (
              <ul className="list-disc pl-5" data-testid="bulk-refused">
                {shown.map((r) => (
                  <li key={r.orderId}>
                    <span className="font-medium">{r.number ?? `№ ${r.orderId}`}</span> — {r.reason}
                  </li>
                ))}
              </ul>
            )}
            {rest > 0 && <span>И ещё отказано: {n(rest)}</span>}
          </div>
          <button type="button" className="underline" onClick={onClose}>
            Скрыть
          </button>
        </div>
      </Alert>
    </div>
  );
}
