"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatDateTime } from "@/components/format";
import { useTRPC } from "@/components/trpc";
import { Alert, Button, Card, Field, Input, PageHeader, Select, Table } from "@/components/ui";
import { MAX_IMPORT_BYTES } from "@/server/services/orders/import/schemas";

export const IMPORT_STATUS_TITLES: Record<string, string> = {
  mapping: "Нужно сопоставить столбцы",
  ready: "Проверен, ждёт загрузки",
  importing: "Загружается",
  done: "Загружен",
};

/** «Импорт из Excel»: the client (staff only), the file, the template; below, the latest imports to go back to. */
export function ImportStart({ isStaff }: { isStaff: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const clients = useQuery({ ...trpc.clients.list.queryOptions({}), enabled: isStaff, staleTime: 60_000 });
  const recent = useQuery(trpc.imports.list.queryOptions());
  const [clientId, setClientId] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function upload(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    if (isStaff && !clientId) return setError("Выберите клиента");
    if (!file) return setError("Выберите файл xlsx или csv");
    if (file.size > MAX_IMPORT_BYTES) return setError(`Файл больше ${MAX_IMPORT_BYTES / 1024 / 1024} МБ`);
    setBusy(true);
    try {
      const qs = new URLSearchParams({ name: file.name, ...(isStaff ? { clientId } : {}) });
      const res = await fetch(`/api/orders/import?${qs}`, { method: "POST", body: file });
      const body = (await res.json().catch(() => ({}))) as { id?: number; message?: string };
      if (!res.ok || !body.id) throw new Error(body.message ?? "Не удалось загрузить файл");
      await queryClient.invalidateQueries({ queryKey: trpc.imports.list.queryKey() });
      router.push(`/orders/import/${body.id}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Не удалось загрузить файл");
      setBusy(false);
    }
  }

  return (
    <div className="space-y-4">
      <PageHeader
        title="Импорт заказов из Excel"
        subtitle="Файл xlsx или csv: первая строка — названия столбцов, дальше по заказу в строке"
        actions={
          <a className="text-blue-700 hover:underline" href="/api/orders/import/template">
            Скачать шаблон
          </a>
        }
      />
      <Card>
        <form onSubmit={upload} className="flex flex-wrap items-end gap-3">
          {isStaff && (
            <Field label="Клиент" htmlFor="import-client">
              <Select
                id="import-client"
                value={clientId}
                onChange={(e) => setClientId(e.target.value)}
                className="w-64"
              >
                <option value="">Выберите клиента</option>
                {clients.data?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          <Field label="Файл" htmlFor="import-file">
            <Input
              id="import-file"
              type="file"
              accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              className="w-80"
            />
          </Field>
          <Button type="submit" disabled={busy}>
            {busy ? "Файл читается…" : "Загрузить и проверить"}
          </Button>
        </form>
        <p className="mt-3 text-sm text-slate-500">
          Столбцы узнаются по названиям («Номер», «Получатель», «Телефон», «Город», «Адрес», «Вес», «НП», «Дата
          доставки», «Время с», «Время по», «Комментарий»…); незнакомые попросим сопоставить один раз — ответ запомнится
          для клиента. Заказ с номером, который уже есть, второй раз не создаётся; строка без номера получает номер по
          своему содержимому, так что повторная загрузка того же файла тоже ничего не удвоит.
        </p>
        {error && (
          <div className="mt-3">
            <Alert>{error}</Alert>
          </div>
        )}
      </Card>
      {recent.data && recent.data.length > 0 && (
        <Card title="Последние импорты">
          <Table>
            <thead>
              <tr>
                <th>Файл</th>
                {isStaff && <th>Клиент</th>}
                <th>Когда</th>
                <th>Строк</th>
                <th>Создано</th>
                <th>С ошибками</th>
                <th>Состояние</th>
              </tr>
            </thead>
            <tbody>
              {recent.data.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link className="text-blue-700 hover:underline" href={`/orders/import/${i.id}`}>
                      {i.fileName}
                    </Link>
                  </td>
                  {isStaff && <td>{i.clientName}</td>}
                  <td>{formatDateTime(i.createdAt)}</td>
                  <td>{i.totalRows}</td>
                  <td>{i.createdRows}</td>
                  <td>{i.invalidRows}</td>
                  <td>{IMPORT_STATUS_TITLES[i.status]}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </div>
  );
}
