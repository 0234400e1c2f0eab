"use client";
import { useId, useState } from "react";
import {
  DEFAULT_LABEL_FORMAT,
  documentHref,
  LABEL_FORMAT_TITLES,
  LABEL_FORMATS,
  type LabelFormat,
  MAX_ORDER_IDS,
} from "@/server/services/documents/schemas";
import { Button, Select } from "./ui";

const linkClass = "text-blue-700 hover:underline";

/** «Формат этикеток»: the thermal sizes (a label a page) and A4 sheets. */
export function LabelFormatPicker({ value, onChange }: { value: LabelFormat; onChange: (f: LabelFormat) => void }) {
  const id = useId();
  return (
    <span className="inline-flex items-center gap-2">
      <label htmlFor={id} className="text-slate-600">
        Формат этикеток
      </label>
      <Select id={id} value={value} onChange={(e) => onChange(e.target.value as LabelFormat)} className="w-40">
        {LABEL_FORMATS.map((f) => (
          <option key={f} value={f}>
            {LABEL_FORMAT_TITLES[f]}
          </option>
        ))}
      </Select>
    </span>
  );
}

/**
 * Our own documents of an order or a manifest, made on the server and opened as PDF in a new tab: the labels (one per
 * place, in the picked format), the waybill(s), and a manifest's act.
 */
export function DocumentLinks({ target }: { target: { orderId: number } | { manifestId: number } }) {
  const [format, setFormat] = useState<LabelFormat>(DEFAULT_LABEL_FORMAT);
  const manifest = "manifestId" in target;
  const open = (href: string, text: string) => (
    <a href={href} target="_blank" rel="noopener" className={linkClass}>
      {text}
    </a>
  );
  return (
    <div className="flex flex-col gap-3" data-testid="documents">
      <LabelFormatPicker value={format} onChange={setFormat} />
      <ul className="flex flex-col gap-1">
        <li>
          {open(documentHref("labels", target, format), manifest ? "Этикетки всех заказов (PDF)" : "Этикетки (PDF)")}
        </li>
        <li>{open(documentHref("waybill", target), manifest ? "Накладные всех заказов (PDF)" : "Накладная (PDF)")}</li>
        {manifest && <li>{open(documentHref("act", target), "Акт приёма-передачи (PDF)")}</li>}
      </ul>
    </div>
  );
}

/**
 * «Печать этикеток» for rows picked in a list: the ids go as a form to a new tab (thousands of them do not fit in an
 * address), in the picked format.
 */
export function PrintSelectedLabels({
  orderIds,
  onClear,
  showCount = true,
}: {
  orderIds: number[];
  onClear: () => void;
  /** Off inside a bar that counts the selection itself. */
  showCount?: boolean;
}) {
  const [format, setFormat] = useState<LabelFormat>(DEFAULT_LABEL_FORMAT);
  const tooMany = orderIds.length > MAX_ORDER_IDS;
  return (
    <form
      method="post"
      action="/api/documents"
      target="_blank"
      className="flex flex-wrap items-center gap-3"
      data-testid="print-selected"
    >
      <input type="hidden" name="kind" value="labels" />
      <input type="hidden" name="format" value={format} />
      <input type="hidden" name="orderIds" value={orderIds.join(",")} />
      {showCount && <span className="font-medium">Выбрано заказов: {orderIds.length}</span>}
      <LabelFormatPicker value={format} onChange={setFormat} />
      <Button type="submit" disabled={orderIds.length === 0 || tooMany}>
        Печать этикеток
      </Button>
      <Button type="button" variant="ghost" onClick={onClear}>
        Снять выбор
      </Button>
      {tooMany && (
        <span className="text-red-700">
          Не больше {MAX_ORDER_IDS.toLocaleString("ru-RU")} заказов в одном файле: снимите часть выбора
        </span>
      )}
    </form>
  );
}
