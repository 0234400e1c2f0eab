"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { formatDate, formatMoney, todayIso } from "@/components/format";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { FIX_MARKED_FIELDS, useFormErrors } from "@/components/use-form-errors";
import { Alert, Badge, Button, Card, Field, Input, SelectField, Table, Tabs, TextField } from "@/components/ui";
import {
  FILE_FIELD,
  FILE_TOO_BIG_MESSAGE,
  previewRemittanceSchema,
  REGISTRY_MAX_FILE_BYTES,
} from "@/server/services/remittances/schemas";
import type { z } from "zod";
import { LineStateBadge, linesWord } from "./line-state";

type Preview = RouterOutputs["remittances"]["preview"];
type PreviewInput = z.output<typeof previewRemittanceSchema>;
type Mode = "file" | "partner";

/** Bytes → base64 in slices: one String.fromCharCode call per 32 KB keeps a 10 MB file linear and off the stack. */
async function fileToBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** «Загрузить отчёт СДЭК»: a file or CDEK for a date → the preview → «Провести». Nothing is written before that. */
export function LoadRegistry({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fileId = useId();
  const integrations = useQuery(trpc.remittances.integrations.queryOptions());
  const [integrationId, setIntegrationId] = useState("");
  const chosen = integrationId || String(integrations.data?.[0]?.id ?? "");
  const [mode, setMode] = useState<Mode>("file");
  const [file, setFile] = useState<File | null>(null);
  const [date, setDate] = useState(todayIso());
  const [reading, setReading] = useState(false);
  const [previewed, setPreviewed] = useState<{ input: PreviewInput; result: Preview } | null>(null);
  const [done, setDone] = useState<RouterOutputs["remittances"]["post"] | null>(null);
  const { errors, setErrors, banner, setBanner, validate, onServerError, clearError } = useFormErrors();

  const preview = useMutation(trpc.remittances.preview.mutationOptions({ onError: onServerError }));
  const post = useMutation(
    trpc.remittances.post.mutationOptions({
      onError: onServerError,
      onSuccess: async (result) => {
        setDone(result);
        setPreviewed(null);
        await queryClient.invalidateQueries({ queryKey: trpc.remittances.pathKey() });
      },
    }),
  );

  function fieldError(message: string) {
    setErrors({ [FILE_FIELD]: [message] });
    setBanner(FIX_MARKED_FIELDS);
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setDone(null);
    setPreviewed(null);
    let source: Record<string, unknown> = { kind: "partner", date };
    if (mode === "file") {
      if (!file) return fieldError("Выберите файл отчёта СДЭК (.xlsx или .csv)");
      // Refused before it is read or sent.
      if (file.size > REGISTRY_MAX_FILE_BYTES) return fieldError(FILE_TOO_BIG_MESSAGE);
      setReading(true);
      try {
        source = { kind: "file", fileName: file.name, contentBase64: await fileToBase64(file) };
      } catch {
        return fieldError("Файл не прочитался: выберите его ещё раз");
      } finally {
        setReading(false);
      }
    }
    const data = validate(previewRemittanceSchema, { integrationId: chosen ? Number(chosen) : undefined, source });
    if (data) preview.mutate(data, { onSuccess: (result) => setPreviewed({ input: data, result }) });
  }

  const busy = reading || preview.isPending;
  const fileError = errors[FILE_FIELD] ?? errors["source.fileName"];

  return (
    <Card
      title="Загрузка отчёта СДЭК"
      actions={
        <Button type="button" variant="ghost" onClick={onClose}>
          Закрыть
        </Button>
      }
    >
      {integrations.data?.length === 0 ? (
        <Alert tone="amber">
          У компании нет интеграции со СДЭК. Реестр сопоставляется с заказами, переданными в СДЭК через неё: настройте
          её на вкладке{" "}
          <Link href="/integration" className="underline">
            «Интеграция»
          </Link>
          .
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          {banner && (
            <div className="mb-3">
              <Alert>{banner}</Alert>
            </div>
          )}
          <Tabs<Mode>
            tabs={[
              { id: "file", label: "Файл отчёта", invalid: Boolean(fileError) },
              { id: "partner", label: "Получить из СДЭК за дату", invalid: Boolean(errors["source.date"]) },
            ]}
            active={mode}
            onChange={(m) => {
              setMode(m);
              setPreviewed(null);
            }}
          />
          <div className="grid items-start gap-3 md:grid-cols-2">
            <SelectField
              label="Интеграция СДЭК"
              value={chosen}
              onChange={(e) => {
                setIntegrationId(e.target.value);
                clearError("integrationId");
                setPreviewed(null);
              }}
              error={errors.integrationId}
              disabled={integrations.isPending}
              hint="Реестр сопоставляется с заказами, переданными в СДЭК интеграциями компании"
            >
              {integrations.isPending && <option value="">Загрузка…</option>}
              {integrations.data?.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.label}
                  {i.enabled ? "" : " (выключена)"}
                </option>
              ))}
            </SelectField>
            {mode === "file" ? (
              <Field
                label="Файл реестра (.xlsx или .csv, до 10 МБ, до 50 000 строк)"
                error={fileError}
                hint="Столбцы по названию: «Номер реестра», «Номер заказа СДЭК», «Наложенный платёж», «Сумма к перечислению», «Агентское вознаграждение»…"
                htmlFor={fileId}
                messageId={`${fileId}-msg`}
              >
                <Input
                  id={fileId}
                  type="file"
                  accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                  aria-invalid={fileError ? true : undefined}
                  aria-describedby={`${fileId}-msg`}
                  onChange={(e) => {
                    setFile(e.target.files?.[0] ?? null);
                    clearError(FILE_FIELD);
                    clearError("source.fileName");
                    setPreviewed(null);
                  }}
                />
              </Field>
            ) : (
              <TextField
                label="Дата платежа"
                type="date"
                value={date}
                onChange={(e) => {
                  setDate(e.target.value);
                  clearError("source.date");
                  setPreviewed(null);
                }}
                error={errors["source.date"]}
                hint="СДЭК отдаёт реестры, оплаченные в этот день"
              />
            )}
          </div>
          <div className="mt-4 flex items-center gap-3">
            <Button type="submit" variant={previewed ? "secondary" : "primary"} disabled={busy || post.isPending}>
              {reading ? "Чтение файла…" : preview.isPending ? "Сверка…" : "Показать сверку"}
            </Button>
          </div>
        </form>
      )}

      {done && (
        <div className="mt-4" data-testid="remittance-posted">
          <Alert tone={done.created.length ? "green" : "amber"}>
            <p>{done.message}</p>
            {done.created.length + done.skipped.length > 0 && (
              <p className="mt-1 flex flex-wrap gap-3">
                {[...done.created, ...done.skipped].map((d) => (
                  <Link key={d.id} href={`/documents/remittances/${d.id}`} className="underline">
                    Реестр № {d.number}
                  </Link>
                ))}
              </p>
            )}
          </Alert>
        </div>
      )}

      {previewed && (
        <PreviewView
          result={previewed.result}
          posting={post.isPending}
          onPost={() => post.mutate({ ...previewed.input, digest: previewed.result.digest })}
        />
      )}
    </Card>
  );
}

type Filter = "all" | "problems" | "matched";

function PreviewView({ result, posting, onPost }: { result: Preview; posting: boolean; onPost: () => void }) {
  return (
    <div className="mt-5 flex flex-col gap-4 border-t border-slate-100 pt-4" data-testid="remittance-preview">
      {result.errors.length > 0 && (
        <Alert>
          <p className="font-medium">Реестр нельзя провести: исправьте файл и загрузите его снова.</p>
          <ul className="mt-1 list-disc pl-5">
            {result.errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </Alert>
      )}
      {result.warnings.map((w, i) => (
        <Alert key={i} tone="amber">
          {w}
        </Alert>
      ))}
      {result.registries.map((r) => (
        <RegistryPreview key={r.number} registry={r} />
      ))}
      {result.lineCount > result.linesShown && (
        <p className="text-slate-500">
          Показаны {result.linesShown} из {result.lineCount} строк (сначала расхождения); все строки попадут в документ.
        </p>
      )}
      {result.registries.length > 0 && (
        <div className="flex items-center gap-3">
          <Button type="button" onClick={onPost} disabled={!result.canApply || posting}>
            {posting ? "Проведение…" : "Провести"}
          </Button>
          {!result.canApply && result.errors.length === 0 && (
            <span className="text-slate-500">Все реестры уже загружены</span>
          )}
        </div>
      )}
    </div>
  );
}

function RegistryPreview({ registry: r }: { registry: Preview["registries"][number] }) {
  const [filter, setFilter] = useState<Filter>("all");
  const lines = r.lines.filter(
    (l) => filter === "all" || (filter === "matched" ? l.state === "matched" : l.state !== "matched"),
  );
  const problems = r.counts.mismatch + r.counts.unknown;
  return (
    <section>
      <h3 className="flex flex-wrap items-center gap-2 font-semibold text-slate-800">
        Реестр № {r.number}
        {r.paymentDate && <span className="font-normal text-slate-500">от {formatDate(r.paymentDate)}</span>}
        {r.paymentOrderNumber && <span className="font-normal text-slate-500">· п/п № {r.paymentOrderNumber}</span>}
      </h3>
      <p className="mt-1 flex flex-wrap items-center gap-2 text-slate-600">
        {r.lineCount} {linesWord(r.lineCount)} · к перечислению {formatMoney(r.total)} · наложенный платёж{" "}
        {formatMoney(r.codTotal)} · агентское {formatMoney(r.commissionTotal)}
        <Badge tone="green">Совпали: {r.counts.matched}</Badge>
        <Badge tone="amber">Расхождения: {r.counts.mismatch}</Badge>
        <Badge tone="red">Не найдены: {r.counts.unknown}</Badge>
      </p>
      {r.loadedMessage && (
        <div className="mt-2">
          <Alert tone="amber">
            {r.loadedMessage}:{" "}
            <Link href={`/documents/remittances/${r.loadedId}`} className="underline">
              открыть документ
            </Link>
            . Повторная загрузка ничего не изменит.
          </Alert>
        </div>
      )}
      {r.problem && (
        <div className="mt-2">
          <Alert tone="amber">{r.problem}</Alert>
        </div>
      )}
      <div className="mt-3 flex gap-1" role="group" aria-label="Строки">
        {(
          [
            ["all", `Все (${r.lineCount})`],
            ["problems", `Расхождения и не найденные (${problems})`],
            ["matched", `Совпали (${r.counts.matched})`],
          ] as [Filter, string][]
        ).map(([id, label]) => (
          <button
            key={id}
            type="button"
            aria-pressed={filter === id}
            onClick={() => setFilter(id)}
            className={`rounded-md px-3 py-1.5 ${filter === id ? "bg-blue-600 text-white" : "border border-slate-300 bg-white text-slate-700 hover:bg-slate-100"}`}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="mt-2">
        <Table>
          <thead>
            <tr>
              <th>Строка</th>
              <th>Заказ СДЭК</th>
              <th>Наш заказ</th>
              <th>Сверка</th>
              <th className="text-right">Наложенный платёж</th>
              <th className="text-right">Ожидали</th>
              <th className="text-right">К перечислению</th>
              <th className="text-right">Агентское</th>
              <th className="text-right">Агентская цена</th>
              <th>Проблема</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.lineNo}>
                <td className="tabular-nums text-slate-500">{l.lineNo}</td>
                <td className="tabular-nums">{l.cdekNumber}</td>
                <td>
                  {l.orderId ? (
                    <Link href={`/orders/${l.orderId}`} className="text-blue-700 hover:underline">
                      {l.orderNumber}
                    </Link>
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </td>
                <td>
                  <LineStateBadge state={l.state} />
                </td>
                <td className="text-right tabular-nums">{formatMoney(l.codCollected)}</td>
                <td className="text-right tabular-nums">{l.codExpected === null ? "—" : formatMoney(l.codExpected)}</td>
                <td className="text-right tabular-nums">{formatMoney(l.transferSum)}</td>
                <td className="text-right tabular-nums">{formatMoney(l.commission)}</td>
                <td className="text-right tabular-nums">{l.agentPrice === null ? "—" : formatMoney(l.agentPrice)}</td>
                <td className="text-slate-700">{l.problem}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </section>
  );
}
