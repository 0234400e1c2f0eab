"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Alert, Button, Card, PageHeader, Select, Table } from "@/components/ui";
import { IMPORT_FIELDS, SKIP } from "@/server/services/orders/import/fields";
import { IMPORT_STATUS_TITLES } from "./import-start";

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : "Что-то пошло не так");

/** One import: the mapping step when a header is unknown, then the preview, the progress bar, the outcome. */
export function ImportRun({ id }: { id: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.imports.get.queryOptions({ id }));
  const invalid = useQuery({
    ...trpc.imports.rows.queryOptions({ id, status: "invalid", limit: 50 }),
    enabled: !!query.data && query.data.status !== "mapping",
  });
  const step = useMutation(trpc.imports.step.mutationOptions());
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [remap, setRemap] = useState(false);

  // The page drives the import: one step (one batch, one transaction) per call until the server says «done».
  async function run() {
    setRunning(true);
    setError(null);
    try {
      for (;;) {
        const v = await step.mutateAsync({ id });
        queryClient.setQueryData(trpc.imports.get.queryKey({ id }), v);
        if (v.status === "done") break;
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(false);
      await queryClient.invalidateQueries({ queryKey: trpc.imports.rows.queryKey() });
      await queryClient.invalidateQueries({ queryKey: trpc.imports.list.queryKey() });
    }
  }

  return (
    <QueryState query={query}>
      {(v) => {
        const percent = v.validRows ? Math.round((v.processedRows / v.validRows) * 100) : 100;
        const showProgress = running || v.status === "importing" || v.status === "done";
        return (
          <div className="space-y-4">
            <PageHeader
              title={`Импорт «${v.fileName}»`}
              subtitle={`${v.clientName} · ${IMPORT_STATUS_TITLES[v.status]}`}
              actions={
                <Link className="text-blue-700 hover:underline" href="/orders/import">
                  Другой файл
                </Link>
              }
            />
            {(v.status === "mapping" || (remap && v.status === "ready")) && (
              <Mapping view={v} onDone={() => setRemap(false)} />
            )}
            {v.status !== "mapping" && (
              <Card title="Проверка">
                <dl className="grid grid-cols-2 gap-x-6 gap-y-1 sm:grid-cols-4" data-testid="import-counts">
                  <Count label="Строк в файле" value={v.totalRows} />
                  <Count
                    label={v.status === "done" ? "Создано заказов" : "Готово к загрузке"}
                    value={v.status === "done" ? v.createdRows : v.validRows}
                  />
                  <Count label="С ошибками" value={v.invalidRows} tone={v.invalidRows ? "red" : undefined} />
                  <Count label="Уже есть" value={v.existingRows} />
                </dl>
                {showProgress && (
                  <div className="mt-4">
                    <div
                      role="progressbar"
                      aria-label="Загрузка заказов"
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={percent}
                      className="h-3 w-full overflow-hidden rounded bg-slate-100"
                    >
                      <div className="h-full bg-blue-600 transition-all" style={{ width: `${percent}%` }} />
                    </div>
                    <p className="mt-1 text-sm text-slate-600">
                      {v.status === "done"
                        ? `Готово: создано ${v.createdRows}, уже было ${v.existingRows}, с ошибками ${v.invalidRows}`
                        : `Обработано ${v.processedRows} из ${v.validRows} (${percent} %)`}
                    </p>
                  </div>
                )}
                <div className="mt-4 flex flex-wrap items-center gap-3">
                  {v.status === "ready" && (
                    <Button onClick={run} disabled={running || v.validRows === 0}>
                      {running ? "Загружается…" : `Загрузить ${v.validRows} заказов`}
                    </Button>
                  )}
                  {v.status === "importing" && !running && <Button onClick={run}>Продолжить загрузку</Button>}
                  {v.status === "ready" && !remap && !running && (
                    <Button variant="secondary" onClick={() => setRemap(true)}>
                      Изменить сопоставление столбцов
                    </Button>
                  )}
                  {v.invalidRows > 0 && (
                    <a className="text-blue-700 hover:underline" href={`/api/orders/import/${v.id}/errors`}>
                      Скачать строки с ошибками (xlsx)
                    </a>
                  )}
                  {v.status === "done" && (
                    <Link className="text-blue-700 hover:underline" href={`/orders?client=${v.clientId}`}>
                      К заказам клиента
                    </Link>
                  )}
                </div>
                {error && (
                  <div className="mt-3">
                    <Alert>{error}</Alert>
                  </div>
                )}
              </Card>
            )}
            {v.status !== "mapping" && invalid.data && invalid.data.rows.length > 0 && (
              <Card title="Строки с ошибками">
                <Table>
                  <thead>
                    <tr>
                      <th>Строка</th>
                      <th>Ошибка</th>
                      <th>Данные</th>
                    </tr>
                  </thead>
                  <tbody>
                    {invalid.data.rows.map((r) => (
                      <tr key={r.rowNo}>
                        <td>{r.rowNo}</td>
                        <td className="text-red-700">{r.error}</td>
                        <td className="text-slate-500">{r.cells.filter(Boolean).slice(0, 4).join(" · ")}</td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
                {v.invalidRows > invalid.data.rows.length && (
                  <p className="mt-2 text-sm text-slate-500">
                    Показаны первые {invalid.data.rows.length} из {v.invalidRows}; все — в файле с ошибками.
                  </p>
                )}
              </Card>
            )}
          </div>
        );
      }}
    </QueryState>
  );
}

function Count({ label, value, tone }: { label: string; value: number; tone?: "red" }) {
  return (
    <div>
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className={`text-lg font-semibold ${tone === "red" ? "text-red-700" : "text-slate-900"}`}>{value}</dd>
    </div>
  );
}

type View = { id: number; headers: string[]; columns: (string | null)[] };

/** The mapping step: a field (or «Не загружать») per column; the answers are remembered for the client. */
function Mapping({ view, onDone }: { view: View; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [columns, setColumns] = useState<string[]>(view.columns.map((c) => c ?? ""));
  const save = useMutation(
    trpc.imports.setMapping.mutationOptions({
      onSuccess: (v) => {
        queryClient.setQueryData(trpc.imports.get.queryKey({ id: view.id }), v);
        void queryClient.invalidateQueries({ queryKey: trpc.imports.rows.queryKey() });
        onDone();
      },
    }),
  );
  const missing = columns.some((c) => !c);
  return (
    <Card title="Сопоставление столбцов">
      <p className="mb-3 text-sm text-slate-600">
        Укажите, что лежит в каждом столбце файла. Ответ запомнится для этого клиента.
      </p>
      <Table>
        <thead>
          <tr>
            <th>Столбец файла</th>
            <th>Поле заказа</th>
          </tr>
        </thead>
        <tbody>
          {view.headers.map((h, i) => (
            <tr key={i}>
              <td>{h || <span className="text-slate-400">(без названия)</span>}</td>
              <td>
                <Select
                  aria-label={`Поле для столбца «${h}»`}
                  value={columns[i]}
                  onChange={(e) => setColumns((cs) => cs.map((c, j) => (j === i ? e.target.value : c)))}
                  className={`w-64 ${columns[i] ? "" : "border-amber-400"}`}
                >
                  <option value="">Выберите…</option>
                  <option value={SKIP}>Не загружать</option>
                  {IMPORT_FIELDS.map((f) => (
                    <option key={f.key} value={f.key}>
                      {f.title}
                    </option>
                  ))}
                </Select>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <div className="mt-3 flex items-center gap-3">
        <Button disabled={missing || save.isPending} onClick={() => save.mutate({ id: view.id, columns })}>
          {save.isPending ? "Проверяем строки…" : "Сохранить и проверить"}
        </Button>
        {missing && <span className="text-sm text-amber-800">Выберите поле для каждого столбца</span>}
      </div>
      {save.error && (
        <div className="mt-3">
          <Alert>{save.error.message}</Alert>
        </div>
      )}
    </Card>
  );
}
