"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { serverErrors } from "@/components/form-errors";
import { formatNumber } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Alert, Button, Card, Field, Select, Table, TextField } from "@/components/ui";
import { useFormErrors } from "@/components/use-form-errors";
import { serviceSchema, tariffSchema, zoneSchema } from "@/server/services/company-settings/schemas";

type Service = { code: number; name: string; tariffs: number };

/** Services, price rows and zones: what the calculator (cabinet and XML API `calculator`) prices deliveries by. */
export function TariffsPanel({ services }: { services: Service[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const invalidate = () => {
    for (const key of [
      trpc.companySettings.get.queryKey(),
      trpc.companySettings.tariffs.queryKey(),
      trpc.companySettings.zones.queryKey(),
      trpc.companySettings.audit.queryKey(),
    ])
      void qc.invalidateQueries({ queryKey: key });
  };
  return (
    <div className="flex flex-col gap-4">
      <ServicesCard services={services} onChanged={invalidate} />
      <TariffsCard services={services} onChanged={invalidate} />
      <ZonesCard onChanged={invalidate} />
    </div>
  );
}

/**
 * One inline editor's state: its values, a setter per field that drops that field's error, and a reset back to
 * `empty`, over the cabinet's validate-then-mutate hook.
 */
function useEditor<V extends Record<string, string>>(empty: V) {
  const form = useFormErrors();
  const { clearError, setErrors, setBanner } = form;
  const [values, setValues] = useState<V>(empty);
  const set = (k: keyof V & string) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    clearError(k);
  };
  const reset = () => {
    setValues(empty);
    setErrors({});
    setBanner(null);
  };
  return { ...form, values, setValues, set, reset };
}

/** The add/edit form under a list: its heading and banner (spanning the layout's width), then the fields. */
function EditorForm({
  heading,
  banner,
  className,
  bannerClassName,
  onSubmit,
  children,
}: {
  heading?: React.ReactNode;
  banner: string | null;
  className: string;
  bannerClassName: string;
  onSubmit: () => void;
  children: React.ReactNode;
}) {
  return (
    <form
      noValidate
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {heading}
      {banner && (
        <div className={bannerClassName}>
          <Alert>{banner}</Alert>
        </div>
      )}
      {children}
    </form>
  );
}

function useRowError() {
  const [error, setError] = useState<string | null>(null);
  return { error, setError, onError: (e: unknown) => setError(serverErrors(e).message ?? "Не удалось сохранить") };
}

function ServicesCard({ services, onChanged }: { services: Service[]; onChanged: () => void }) {
  const trpc = useTRPC();
  const { values, setValues, set, reset, errors, banner, validate, onServerError } = useEditor({ code: "", name: "" });
  const row = useRowError();
  const save = useMutation(
    trpc.companySettings.saveService.mutationOptions({
      onSuccess: () => {
        reset();
        onChanged();
      },
      onError: onServerError,
    }),
  );
  const remove = useMutation(
    trpc.companySettings.deleteService.mutationOptions({ onSuccess: onChanged, onError: row.onError }),
  );
  return (
    <Card title="Услуги (виды доставки)">
      {row.error && <Alert>{row.error}</Alert>}
      <Table>
        <thead>
          <tr>
            <th>Код</th>
            <th>Название</th>
            <th>Строк тарифа</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.code}>
              <td className="tabular-nums">{s.code}</td>
              <td>{s.name}</td>
              <td className="tabular-nums">{s.tariffs}</td>
              <td className="text-right">
                <Button variant="ghost" onClick={() => setValues({ code: String(s.code), name: s.name })}>
                  Переименовать
                </Button>
                <Button
                  variant="ghost"
                  className="text-red-700"
                  onClick={() => window.confirm(`Удалить услугу ${s.code}?`) && remove.mutate({ code: s.code })}
                >
                  Удалить
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      <EditorForm
        banner={banner}
        className="mt-3 flex flex-wrap items-start gap-3"
        bannerClassName="w-full"
        onSubmit={() => {
          row.setError(null);
          const data = validate(serviceSchema, values);
          if (data) save.mutate(data);
        }}
      >
        <TextField
          label="Код"
          inputMode="numeric"
          value={values.code}
          onChange={set("code")}
          error={errors.code}
          hint="Код услуги в заказах (service)"
        />
        <TextField label="Название" value={values.name} onChange={set("name")} error={errors.name} />
        <div className="pt-5">
          <Button type="submit" disabled={save.isPending}>
            Сохранить услугу
          </Button>
        </div>
      </EditorForm>
    </Card>
  );
}

type TariffValues = Record<
  | "serviceCode"
  | "townFrom"
  | "townTo"
  | "zone"
  | "weightFrom"
  | "weightTo"
  | "price"
  | "extraPerKg"
  | "minDays"
  | "maxDays",
  string
>;
const EMPTY_TARIFF: TariffValues = {
  serviceCode: "",
  townFrom: "",
  townTo: "",
  zone: "",
  weightFrom: "0",
  weightTo: "",
  price: "",
  extraPerKg: "",
  minDays: "1",
  maxDays: "1",
};

function TariffsCard({ services, onChanged }: { services: Service[]; onChanged: () => void }) {
  const trpc = useTRPC();
  const [serviceFilter, setServiceFilter] = useState<number | undefined>(undefined);
  const tariffs = useQuery(trpc.companySettings.tariffs.queryOptions({ serviceCode: serviceFilter }));
  const [editing, setEditing] = useState<number | null>(null);
  const editor = useEditor(EMPTY_TARIFF);
  const { values, setValues, set, errors, banner, validate, onServerError } = editor;
  const row = useRowError();
  const reset = () => {
    setEditing(null);
    editor.reset();
  };
  const save = useMutation(
    trpc.companySettings.saveTariff.mutationOptions({
      onSuccess: () => {
        reset();
        onChanged();
      },
      onError: onServerError,
    }),
  );
  const remove = useMutation(
    trpc.companySettings.deleteTariff.mutationOptions({ onSuccess: onChanged, onError: row.onError }),
  );
  const field = (k: keyof TariffValues, label: string, hint?: string) => (
    <TextField label={label} value={values[k]} onChange={set(k)} error={errors[k]} hint={hint} />
  );
  const dash = (v: string | number | null) => (v === null || v === "" ? "—" : String(v));
  return (
    <Card
      title="Тарифы"
      actions={
        <Select
          aria-label="Услуга"
          value={serviceFilter ?? ""}
          onChange={(e) => setServiceFilter(e.target.value ? Number(e.target.value) : undefined)}
        >
          <option value="">Все услуги</option>
          {services.map((s) => (
            <option key={s.code} value={s.code}>
              {s.code} — {s.name}
            </option>
          ))}
        </Select>
      }
    >
      {row.error && <Alert>{row.error}</Alert>}
      <p className="mb-2 text-xs text-slate-500">
        Для услуги выбирается самая точная строка: пара городов, затем город назначения, затем зона, затем строка без
        городов и зоны — среди тех, чей шаг веса (от, до] вмещает расчётный вес. Выше «веса от» каждый начатый килограмм
        стоит «за кг сверх».
      </p>
      <QueryState query={tariffs} isEmpty={(d) => d.items.length === 0} empty="Строк тарифа нет">
        {(d) => (
          <Table>
            <thead>
              <tr>
                <th>Услуга</th>
                <th>Откуда</th>
                <th>Куда</th>
                <th>Зона</th>
                <th>Вес, кг</th>
                <th>Цена</th>
                <th>За кг сверх</th>
                <th>Срок, дн.</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.items.map((t) => (
                <tr key={t.id} className={editing === t.id ? "bg-blue-50" : undefined}>
                  <td className="tabular-nums">{t.serviceCode}</td>
                  <td>{dash(t.townFrom)}</td>
                  <td>{dash(t.townTo)}</td>
                  <td className="tabular-nums">{dash(t.zone)}</td>
                  <td className="whitespace-nowrap tabular-nums">
                    {formatNumber(t.weightFrom)} – {t.weightTo === null ? "∞" : formatNumber(t.weightTo)}
                  </td>
                  <td className="tabular-nums">{formatNumber(t.price, 2)}</td>
                  <td className="tabular-nums">{formatNumber(t.extraPerKg, 2)}</td>
                  <td className="tabular-nums">
                    {t.minDays}–{t.maxDays}
                  </td>
                  <td className="whitespace-nowrap text-right">
                    <Button
                      variant="ghost"
                      onClick={() => {
                        setEditing(t.id);
                        setValues({
                          serviceCode: String(t.serviceCode),
                          townFrom: t.townFrom ?? "",
                          townTo: t.townTo ?? "",
                          zone: t.zone === null ? "" : String(t.zone),
                          weightFrom: String(Number(t.weightFrom)),
                          weightTo: t.weightTo === null ? "" : String(Number(t.weightTo)),
                          price: String(Number(t.price)),
                          extraPerKg: Number(t.extraPerKg) ? String(Number(t.extraPerKg)) : "",
                          minDays: String(t.minDays),
                          maxDays: String(t.maxDays),
                        });
                      }}
                    >
                      Изменить
                    </Button>
                    <Button
                      variant="ghost"
                      className="text-red-700"
                      onClick={() => window.confirm("Удалить строку тарифа?") && remove.mutate({ id: t.id })}
                    >
                      Удалить
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
      {tariffs.data?.truncated && <Alert tone="amber">Показаны первые 2000 строк: выберите услугу.</Alert>}
      <EditorForm
        heading={
          <h3 className="font-medium sm:col-span-2 lg:col-span-5">
            {editing ? `Строка тарифа #${editing}` : "Новая строка тарифа"}
          </h3>
        }
        banner={banner}
        className="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-5"
        bannerClassName="sm:col-span-2 lg:col-span-5"
        onSubmit={() => {
          row.setError(null);
          const data = validate(tariffSchema, { ...values, id: editing ?? undefined });
          if (data) save.mutate({ ...data, id: editing ?? undefined });
        }}
      >
        <Field label="Услуга" htmlFor="tariff-service" error={errors.serviceCode}>
          <Select id="tariff-service" value={values.serviceCode} onChange={set("serviceCode")}>
            <option value="">—</option>
            {services.map((s) => (
              <option key={s.code} value={s.code}>
                {s.code} — {s.name}
              </option>
            ))}
          </Select>
        </Field>
        {field("townFrom", "Откуда", "Пусто — из любого города")}
        {field("townTo", "Куда", "Пусто — в любой город")}
        {field("zone", "Зона", "Пусто — без зоны")}
        {field("price", "Цена, ₽")}
        {field("weightFrom", "Вес от, кг")}
        {field("weightTo", "Вес до, кг", "Пусто — без верхней границы")}
        {field("extraPerKg", "За кг сверх, ₽")}
        {field("minDays", "Срок от, дн.")}
        {field("maxDays", "Срок до, дн.")}
        <div className="flex gap-2 sm:col-span-2 lg:col-span-5">
          <Button type="submit" disabled={save.isPending}>
            {editing ? "Сохранить строку" : "Добавить строку"}
          </Button>
          {editing && (
            <Button type="button" variant="ghost" onClick={reset}>
              Отмена
            </Button>
          )}
        </div>
      </EditorForm>
    </Card>
  );
}

function ZonesCard({ onChanged }: { onChanged: () => void }) {
  const trpc = useTRPC();
  const zones = useQuery(trpc.companySettings.zones.queryOptions());
  const { values, set, reset, errors, banner, validate, onServerError } = useEditor({
    townFrom: "",
    townTo: "",
    zone: "",
  });
  const row = useRowError();
  const save = useMutation(
    trpc.companySettings.saveZone.mutationOptions({
      onSuccess: () => {
        reset();
        onChanged();
      },
      onError: onServerError,
    }),
  );
  const remove = useMutation(
    trpc.companySettings.deleteZone.mutationOptions({ onSuccess: onChanged, onError: row.onError }),
  );
  return (
    <Card title="Зоны">
      {row.error && <Alert>{row.error}</Alert>}
      <QueryState query={zones} empty="Зон нет: тарифы по зонам не применяются">
        {(rows) => (
          <Table>
            <thead>
              <tr>
                <th>Откуда</th>
                <th>Куда</th>
                <th>Зона</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((z) => (
                <tr key={z.id}>
                  <td>{z.townFrom ?? "из любого города"}</td>
                  <td>{z.townTo}</td>
                  <td className="tabular-nums">{z.zone}</td>
                  <td className="text-right">
                    <Button
                      variant="ghost"
                      className="text-red-700"
                      onClick={() => window.confirm("Удалить зону?") && remove.mutate({ id: z.id })}
                    >
                      Удалить
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
      <EditorForm
        banner={banner}
        className="mt-3 flex flex-wrap items-start gap-3"
        bannerClassName="w-full"
        onSubmit={() => {
          row.setError(null);
          const data = validate(zoneSchema, values);
          if (data) save.mutate(data);
        }}
      >
        <TextField
          label="Откуда"
          value={values.townFrom}
          onChange={set("townFrom")}
          error={errors.townFrom}
          hint="Пусто — из любого"
        />
        <TextField label="Куда" value={values.townTo} onChange={set("townTo")} error={errors.townTo} />
        <TextField label="Зона" inputMode="numeric" value={values.zone} onChange={set("zone")} error={errors.zone} />
        <div className="pt-5">
          <Button type="submit" disabled={save.isPending}>
            Добавить зону
          </Button>
        </div>
      </EditorForm>
    </Card>
  );
}
