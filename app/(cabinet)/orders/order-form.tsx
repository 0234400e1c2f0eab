"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { type FieldErrors, zodFieldErrors } from "@/components/form-errors";
import { numberInputValue } from "@/components/format";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { useFormErrors } from "@/components/use-form-errors";
import { Alert, Button, Card, Input, PageHeader, Select, SelectField, TextField, TextareaField } from "@/components/ui";
import { createOrderSchema, PAY_TYPES, updateOrderSchema } from "@/server/services/orders/schemas";
import { PAY_TYPE_TITLES } from "@/server/services/orders/statuses";

type Order = RouterOutputs["orders"]["get"];
type PartyKey = "company" | "person" | "phone" | "town" | "address" | "zip" | "date" | "timeMin" | "timeMax";
type Party = Record<PartyKey, string>;
type Receiver = Party & { regionCode: string; pvz: string };
type ItemRow = {
  key: string;
  name: string;
  article: string;
  barcode: string;
  quantity: string;
  mass: string;
  retailPrice: string;
  vatRate: string;
};
type PackageRow = {
  key: string;
  barcode: string;
  mass: string;
  length: string;
  width: string;
  height: string;
  quantity: string;
  message: string;
};
type PayType = (typeof PAY_TYPES)[number];

export interface OrderFormValues {
  clientId: string;
  number: string;
  barcode: string;
  department: string;
  sender: Party;
  receiver: Receiver;
  weight: string;
  quantity: string;
  codAmount: string;
  declaredValue: string;
  deliveryPrice: string;
  payType: PayType;
  serviceCode: string;
  enclosure: string;
  instruction: string;
  items: ItemRow[];
  packages: PackageRow[];
}
type TopKey = Exclude<keyof OrderFormValues, "sender" | "receiver" | "items" | "packages" | "payType">;

let rowSeq = 0;
const rowKey = () => `r${++rowSeq}`;
const emptyParty = (): Party => ({
  company: "",
  person: "",
  phone: "",
  town: "",
  address: "",
  zip: "",
  date: "",
  timeMin: "",
  timeMax: "",
});
const emptyItem = (): ItemRow => ({
  key: rowKey(),
  name: "",
  article: "",
  barcode: "",
  quantity: "1",
  mass: "",
  retailPrice: "",
  vatRate: "",
});
const emptyPackage = (): PackageRow => ({
  key: rowKey(),
  barcode: "",
  mass: "",
  length: "",
  width: "",
  height: "",
  quantity: "1",
  message: "",
});

export function emptyOrderValues(): OrderFormValues {
  return {
    clientId: "",
    number: "",
    barcode: "",
    department: "",
    sender: emptyParty(),
    receiver: { ...emptyParty(), regionCode: "", pvz: "" },
    weight: "",
    quantity: "1",
    codAmount: "",
    declaredValue: "",
    deliveryPrice: "",
    payType: "CASH",
    serviceCode: "",
    enclosure: "",
    instruction: "",
    items: [],
    packages: [],
  };
}

export function orderToValues(o: Order): OrderFormValues {
  const s = (v: string | null | undefined) => v ?? "";
  return {
    clientId: String(o.clientId),
    number: o.number,
    barcode: s(o.barcode),
    department: s(o.department),
    sender: {
      company: s(o.senderCompany),
      person: s(o.senderPerson),
      phone: s(o.senderPhone),
      town: s(o.senderTown),
      address: s(o.senderAddress),
      zip: s(o.senderZip),
      date: s(o.senderDate),
      timeMin: s(o.senderTimeMin),
      timeMax: s(o.senderTimeMax),
    },
    receiver: {
      company: s(o.receiverCompany),
      person: s(o.receiverPerson),
      phone: s(o.receiverPhone),
      town: s(o.receiverTown),
      address: s(o.receiverAddress),
      zip: s(o.receiverZip),
      date: s(o.receiverDate),
      timeMin: s(o.receiverTimeMin),
      timeMax: s(o.receiverTimeMax),
      regionCode: s(o.receiverRegionCode),
      pvz: s(o.receiverPvz),
    },
    weight: numberInputValue(o.weight),
    quantity: String(o.quantity),
    codAmount: numberInputValue(o.codAmount),
    declaredValue: numberInputValue(o.declaredValue),
    deliveryPrice: numberInputValue(o.deliveryPrice),
    payType: o.payType,
    serviceCode: o.serviceCode === null ? "" : String(o.serviceCode),
    enclosure: s(o.enclosure),
    instruction: s(o.instruction),
    items: o.items.map((i) => ({
      key: rowKey(),
      name: i.name,
      article: s(i.article),
      barcode: s(i.barcode),
      quantity: numberInputValue(i.quantity, true),
      mass: numberInputValue(i.mass),
      retailPrice: numberInputValue(i.retailPrice),
      vatRate: i.vatRate === null ? "" : String(i.vatRate),
    })),
    packages: o.packages.map((p) => ({
      key: rowKey(),
      barcode: s(p.barcode),
      mass: numberInputValue(p.mass),
      length: numberInputValue(p.length),
      width: numberInputValue(p.width),
      height: numberInputValue(p.height),
      quantity: String(p.quantity),
      message: s(p.message),
    })),
  };
}

/** The form's strings as the procedure's input; the shared zod schema does the trimming and number parsing. */
function toInput(v: OrderFormValues) {
  const clientId = Number(v.clientId);
  return {
    clientId: Number.isInteger(clientId) && clientId > 0 ? clientId : undefined,
    number: v.number,
    barcode: v.barcode,
    department: v.department,
    sender: v.sender,
    receiver: v.receiver,
    weight: v.weight,
    quantity: v.quantity,
    codAmount: v.codAmount,
    declaredValue: v.declaredValue,
    deliveryPrice: v.deliveryPrice,
    payType: v.payType,
    serviceCode: v.serviceCode,
    enclosure: v.enclosure,
    instruction: v.instruction,
    items: v.items.map(({ key: _key, ...i }) => i),
    packages: v.packages.map(({ key: _key, ...p }) => p),
  };
}

const VAT_OPTIONS = [
  { value: "", label: "—" },
  { value: "-1", label: "Без НДС" },
  ...[0, 5, 7, 10, 18, 20, 22].map((v) => ({ value: String(v), label: `${v}%` })),
];

export function OrderForm({ isStaff, order }: { isStaff: boolean; order?: Order }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<OrderFormValues>(() => (order ? orderToValues(order) : emptyOrderValues()));
  const {
    errors,
    setErrors,
    banner,
    validate,
    onServerError: onError,
    clearError,
  } = useFormErrors({ onFieldErrors: focusFirstError });
  const clients = useQuery({ ...trpc.clients.list.queryOptions({}), enabled: isStaff, staleTime: 60_000 });

  const onSaved = async (id: number) => {
    await queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() });
    router.push(`/orders/${id}`);
  };
  const create = useMutation(trpc.orders.create.mutationOptions({ onSuccess: (r) => onSaved(r.id), onError }));
  const update = useMutation(trpc.orders.update.mutationOptions({ onSuccess: (r) => onSaved(r.id), onError }));
  const saving = create.isPending || update.isPending || create.isSuccess || update.isSuccess;

  const setTop = (k: TopKey, v: string) => {
    setValues((s) => ({ ...s, [k]: v }));
    clearError(k);
  };
  const setParty = (side: "sender" | "receiver", k: keyof Receiver, v: string) => {
    setValues((s) => ({ ...s, [side]: { ...s[side], [k]: v } }));
    clearError(`${side}.${k}`);
    // The "person or company" rule is reported on person; filling either clears it.
    if (side === "receiver" && k === "company") clearError("receiver.person");
  };
  const setItem = (i: number, k: keyof ItemRow, v: string) => {
    setValues((s) => ({ ...s, items: s.items.map((row, j) => (j === i ? { ...row, [k]: v } : row)) }));
    clearError(`items.${i}.${k}`);
  };
  const setPackage = (i: number, k: keyof PackageRow, v: string) => {
    setValues((s) => ({ ...s, packages: s.packages.map((row, j) => (j === i ? { ...row, [k]: v } : row)) }));
    clearError(`packages.${i}.${k}`);
  };
  // Row errors are keyed by index, so removing a row drops all row errors rather than misattributing them.
  const dropRowErrors = (prefix: "items" | "packages") =>
    setErrors(Object.fromEntries(Object.entries(errors).filter(([k]) => !k.startsWith(`${prefix}.`))));

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const input = toInput(values);
    // zod skips the receiver-contacts refinement while other fields fail; check the receiver alone so every error shows at once.
    const extra: FieldErrors = {};
    const receiverOnly = createOrderSchema.safeParse({ receiver: input.receiver });
    if (!receiverOnly.success)
      for (const [k, m] of Object.entries(zodFieldErrors(receiverOnly.error)))
        if (k.startsWith("receiver.")) extra[k] = m;
    if (isStaff && !order && !input.clientId) extra.clientId = ["Выберите клиента"];
    if (!validate(order ? updateOrderSchema : createOrderSchema, order ? { ...input, id: order.id } : input, extra))
      return;
    if (order) update.mutate({ ...input, id: order.id });
    else create.mutate(input);
  }

  const err = (path: string) => errors[path]?.[0];
  const partyField = (
    side: "sender" | "receiver",
    k: keyof Receiver,
    label: string,
    extra: React.InputHTMLAttributes<HTMLInputElement> = {},
  ) => (
    <TextField
      label={label}
      value={values[side][k as PartyKey]}
      onChange={(e) => setParty(side, k, e.target.value)}
      error={err(`${side}.${k}`)}
      {...extra}
    />
  );
  const topField = (
    k: TopKey,
    label: string,
    extra: React.InputHTMLAttributes<HTMLInputElement> & { hint?: string } = {},
  ) => (
    <TextField label={label} value={values[k]} onChange={(e) => setTop(k, e.target.value)} error={err(k)} {...extra} />
  );
  const otherErrors = Object.entries(errors).filter(([k]) => k === "_" || k === "items" || k === "packages");

  return (
    <form onSubmit={submit} noValidate>
      <div className="mb-1 text-slate-500">
        <Link href={order ? `/orders/${order.id}` : "/orders"} className="hover:underline">
          ← {order ? `Заказ ${order.number}` : isStaff ? "Заказы" : "Мои заказы"}
        </Link>
      </div>
      <PageHeader title={order ? `Изменение заказа ${order.number}` : "Новый заказ"} />
      {banner && (
        <div className="mb-4">
          <Alert>
            {banner}
            {otherErrors.map(([k, m]) => (
              <div key={k}>{m[0]}</div>
            ))}
          </Alert>
        </div>
      )}

      <div className="flex flex-col gap-4">
        <Card title="Основное">
          <div className="grid gap-3 md:grid-cols-4">
            {isStaff && (
              <SelectField
                label="Клиент"
                value={values.clientId}
                onChange={(e) => setTop("clientId", e.target.value)}
                error={err("clientId")}
                disabled={clients.isPending}
              >
                <option value="">{clients.isPending ? "Загрузка…" : "Выберите клиента"}</option>
                {clients.data?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </SelectField>
            )}
            {topField("number", "Номер заказа", {
              hint: order ? undefined : "Пусто — присвоится автоматически",
              maxLength: 50,
            })}
            {topField("barcode", "Штрихкод")}
            {topField("department", "Подразделение")}
          </div>
        </Card>

        <div className="grid gap-4 lg:grid-cols-2">
          <Card title="Отправитель">
            <p className="mb-3 text-xs text-slate-500">
              Пустые поля заполнятся из карточки клиента: название, контакт, телефон, адрес.
            </p>
            <div className="grid gap-3 md:grid-cols-2">
              {partyField("sender", "company", "Компания отправителя")}
              {partyField("sender", "person", "Контактное лицо отправителя")}
              {partyField("sender", "phone", "Телефон отправителя", { type: "tel" })}
              {partyField("sender", "town", "Город отправителя")}
              <div className="md:col-span-2">{partyField("sender", "address", "Адрес отправителя")}</div>
              {partyField("sender", "zip", "Индекс отправителя")}
              {partyField("sender", "date", "Дата забора", { type: "date" })}
              {partyField("sender", "timeMin", "Забор с", { type: "time" })}
              {partyField("sender", "timeMax", "Забор до", { type: "time" })}
            </div>
          </Card>
          <Card title="Получатель">
            <div className="grid gap-3 md:grid-cols-2">
              {partyField("receiver", "company", "Компания получателя")}
              {partyField("receiver", "person", "Контактное лицо получателя")}
              {partyField("receiver", "phone", "Телефон получателя", { type: "tel" })}
              {partyField("receiver", "town", "Город получателя")}
              <div className="md:col-span-2">{partyField("receiver", "address", "Адрес получателя")}</div>
              {partyField("receiver", "zip", "Индекс получателя")}
              {partyField("receiver", "regionCode", "Код региона")}
              {partyField("receiver", "pvz", "Код ПВЗ")}
              {partyField("receiver", "date", "Дата доставки", { type: "date" })}
              {partyField("receiver", "timeMin", "Доставка с", { type: "time" })}
              {partyField("receiver", "timeMax", "Доставка до", { type: "time" })}
            </div>
          </Card>
        </div>

        <Card title="Отправление и оплата">
          <div className="grid gap-3 md:grid-cols-4">
            {topField("weight", "Вес, кг", { inputMode: "decimal" })}
            {topField("quantity", "Количество мест", { inputMode: "numeric" })}
            {topField("codAmount", "Наложенный платёж", { inputMode: "decimal" })}
            {topField("declaredValue", "Объявленная ценность", { inputMode: "decimal" })}
            {topField("deliveryPrice", "Стоимость доставки", { inputMode: "decimal" })}
            <SelectField
              label="Тип оплаты"
              value={values.payType}
              onChange={(e) => setValues((s) => ({ ...s, payType: e.target.value as PayType }))}
              error={err("payType")}
            >
              {PAY_TYPES.map((p) => (
                <option key={p} value={p}>
                  {PAY_TYPE_TITLES[p]}
                </option>
              ))}
            </SelectField>
            {topField("serviceCode", "Режим доставки (код услуги)", { inputMode: "numeric" })}
            {topField("enclosure", "Вложение")}
            <div className="md:col-span-4">
              <TextareaField
                label="Поручение (инструкция курьеру)"
                rows={2}
                value={values.instruction}
                onChange={(e) => setTop("instruction", e.target.value)}
                error={err("instruction")}
              />
            </div>
          </div>
        </Card>

        <Card
          title={`Товары (${values.items.length})`}
          actions={
            <Button
              type="button"
              variant="secondary"
              onClick={() => setValues((s) => ({ ...s, items: [...s.items, emptyItem()] }))}
            >
              + Товар
            </Button>
          }
        >
          {values.items.length === 0 ? (
            <p className="text-slate-500">
              Товары не добавлены. Для заказов с наложенным платежом укажите состав — он нужен для чека.
            </p>
          ) : (
            <RowsTable headers={["Наименование", "Артикул", "Штрихкод", "Кол-во", "Вес, кг", "Цена", "НДС", ""]}>
              {values.items.map((row, i) => (
                <tr key={row.key}>
                  <Cell
                    label={`Товар ${i + 1}: наименование`}
                    value={row.name}
                    onChange={(v) => setItem(i, "name", v)}
                    error={err(`items.${i}.name`)}
                    wide
                  />
                  <Cell
                    label={`Товар ${i + 1}: артикул`}
                    value={row.article}
                    onChange={(v) => setItem(i, "article", v)}
                    error={err(`items.${i}.article`)}
                  />
                  <Cell
                    label={`Товар ${i + 1}: штрихкод`}
                    value={row.barcode}
                    onChange={(v) => setItem(i, "barcode", v)}
                    error={err(`items.${i}.barcode`)}
                  />
                  <Cell
                    label={`Товар ${i + 1}: количество`}
                    value={row.quantity}
                    onChange={(v) => setItem(i, "quantity", v)}
                    error={err(`items.${i}.quantity`)}
                    narrow
                    inputMode="decimal"
                  />
                  <Cell
                    label={`Товар ${i + 1}: вес`}
                    value={row.mass}
                    onChange={(v) => setItem(i, "mass", v)}
                    error={err(`items.${i}.mass`)}
                    narrow
                    inputMode="decimal"
                  />
                  <Cell
                    label={`Товар ${i + 1}: цена`}
                    value={row.retailPrice}
                    onChange={(v) => setItem(i, "retailPrice", v)}
                    error={err(`items.${i}.retailPrice`)}
                    narrow
                    inputMode="decimal"
                  />
                  <td className="align-top">
                    <Select
                      aria-label={`Товар ${i + 1}: ставка НДС`}
                      value={row.vatRate}
                      onChange={(e) => setItem(i, "vatRate", e.target.value)}
                      aria-invalid={err(`items.${i}.vatRate`) ? true : undefined}
                    >
                      {VAT_OPTIONS.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </Select>
                    <CellError message={err(`items.${i}.vatRate`)} />
                  </td>
                  <td className="align-top">
                    <RemoveButton
                      label={`Удалить товар ${i + 1}`}
                      onClick={() => {
                        setValues((s) => ({ ...s, items: s.items.filter((_, j) => j !== i) }));
                        dropRowErrors("items");
                      }}
                    />
                  </td>
                </tr>
              ))}
            </RowsTable>
          )}
        </Card>

        <Card
          title={`Места (${values.packages.length})`}
          actions={
            <Button
              type="button"
              variant="secondary"
              onClick={() => setValues((s) => ({ ...s, packages: [...s.packages, emptyPackage()] }))}
            >
              + Место
            </Button>
          }
        >
          {values.packages.length === 0 ? (
            <p className="text-slate-500">Места не описаны — заказ считается одним местом с указанным весом.</p>
          ) : (
            <RowsTable
              headers={[
                "Штрихкод места",
                "Вес, кг",
                "Длина, см",
                "Ширина, см",
                "Высота, см",
                "Кол-во",
                "Сообщение",
                "",
              ]}
            >
              {values.packages.map((row, i) => (
                <tr key={row.key}>
                  <Cell
                    label={`Место ${i + 1}: штрихкод`}
                    value={row.barcode}
                    onChange={(v) => setPackage(i, "barcode", v)}
                    error={err(`packages.${i}.barcode`)}
                  />
                  <Cell
                    label={`Место ${i + 1}: вес`}
                    value={row.mass}
                    onChange={(v) => setPackage(i, "mass", v)}
                    error={err(`packages.${i}.mass`)}
                    narrow
                    inputMode="decimal"
                  />
                  <Cell
                    label={`Место ${i + 1}: длина`}
                    value={row.length}
                    onChange={(v) => setPackage(i, "length", v)}
                    error={err(`packages.${i}.length`)}
                    narrow
                    inputMode="decimal"
                  />
                  <Cell
                    label={`Место ${i + 1}: ширина`}
                    value={row.width}
                    onChange={(v) => setPackage(i, "width", v)}
                    error={err(`packages.${i}.width`)}
                    narrow
                    inputMode="decimal"
                  />
                  <Cell
                    label={`Место ${i + 1}: высота`}
                    value={row.height}
                    onChange={(v) => setPackage(i, "height", v)}
                    error={err(`packages.${i}.height`)}
                    narrow
                    inputMode="decimal"
                  />
                  <Cell
                    label={`Место ${i + 1}: количество`}
                    value={row.quantity}
                    onChange={(v) => setPackage(i, "quantity", v)}
                    error={err(`packages.${i}.quantity`)}
                    narrow
                    inputMode="numeric"
                  />
                  <Cell
                    label={`Место ${i + 1}: сообщение`}
                    value={row.message}
                    onChange={(v) => setPackage(i, "message", v)}
                    error={err(`packages.${i}.message`)}
                    wide
                  />
                  <td className="align-top">
                    <RemoveButton
                      label={`Удалить место ${i + 1}`}
                      onClick={() => {
                        setValues((s) => ({ ...s, packages: s.packages.filter((_, j) => j !== i) }));
                        dropRowErrors("packages");
                      }}
                    />
                  </td>
                </tr>
              ))}
            </RowsTable>
          )}
        </Card>
      </div>

      <div className="sticky bottom-0 z-10 -mx-4 mt-4 flex items-center gap-3 border-t border-slate-200 bg-white/95 px-4 py-3 backdrop-blur">
        <Button type="submit" disabled={saving}>
          {saving ? "Сохранение…" : order ? "Сохранить изменения" : "Создать заказ"}
        </Button>
        <Link href={order ? `/orders/${order.id}` : "/orders"} className="text-slate-600 hover:underline">
          Отмена
        </Link>
      </div>
    </form>
  );
}

function focusFirstError() {
  // After React paints the messages: move the caret to the first field that needs attention.
  requestAnimationFrame(() => {
    const el = document.querySelector<HTMLElement>('form [aria-invalid="true"]');
    el?.focus();
  });
}

function RowsTable({ headers, children }: { headers: string[]; children: React.ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-left [&_td]:px-1 [&_td]:py-1 [&_th]:px-1 [&_th]:pb-1 [&_th]:text-xs [&_th]:font-medium [&_th]:text-slate-600">
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function Cell({
  label,
  value,
  onChange,
  error,
  wide,
  narrow,
  inputMode,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  wide?: boolean;
  narrow?: boolean;
  inputMode?: "decimal" | "numeric";
}) {
  const id = useId();
  return (
    <td className={`align-top ${wide ? "min-w-48" : narrow ? "w-24" : "min-w-28"}`}>
      <Input
        id={id}
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-msg` : undefined}
        inputMode={inputMode}
        className="w-full"
      />
      <CellError id={`${id}-msg`} message={error} />
    </td>
  );
}

function CellError({ message, id }: { message?: string; id?: string }) {
  return message ? (
    <p id={id} className="mt-0.5 text-xs text-red-600" role="alert">
      {message}
    </p>
  ) : null;
}

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      className="rounded px-2 py-1.5 text-slate-400 hover:bg-red-50 hover:text-red-600"
    >
      ✕
    </button>
  );
}
