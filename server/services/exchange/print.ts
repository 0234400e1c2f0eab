import { and, asc, eq, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { integrations, manifests, orders, transfers } from "@/db/schema";
import { type FailureKind, PartnerError } from "@/server/integrators/errors";
import { partnerMessage } from "@/server/integrators/messages";
import { getIntegrator } from "@/server/integrators/registry";
import type { PartnerForm } from "@/server/integrators/types";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, NotFoundError, ServiceError, ValidationError } from "../errors";
import { capability, loadPartner, markUnhealthy } from "./partner";
import { PRINT_CHUNK, PRINT_FORM_TITLES, PRINT_FORMS, printFormsSchema, TRANSFER_STATE_TITLES } from "./schemas";

/** One of our orders as the partner's print form names it. */
interface PrintRef {
  orderId: number;
  number: string;
  partnerCode: string | null;
  partnerRef: string | null;
}

/** One print request to one partner: up to PRINT_CHUNK orders handed over through one integration. */
export interface PrintPart {
  integrationId: number;
  integrator: string;
  orders: PrintRef[];
}

export interface PrintPlan {
  /** Whether an integration these orders went to has an adapter that prints. */
  printable: boolean;
  /** The forms the printing partners make, in PRINT_FORMS order. */
  forms: PartnerForm[];
  parts: PrintPart[];
  /** Orders that get no form, with why (our order number, not the partner's). */
  skipped: { orderId: number; number: string; reason: string; detail?: string }[];
}

export type PrintScope = { orderId: number } | { manifestId: number };

/** The partner failed to print: its own text. The print route answers 502: the request was fine, the partner was not. */
export class PartnerPrintError extends ServiceError {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super("CONFLICT", message);
    this.name = "PartnerPrintError";
  }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const printsAt = (integrator: string) => !!getIntegrator(integrator)?.print;
const formsOf = (integrator: string): PartnerForm[] => {
  const print = getIntegrator(integrator)?.print;
  return print ? (print.forms ?? ["waybill", "label"]) : [];
};

/**
 * What printing these orders takes: the orders the partner has accepted (and not cancelled), grouped by integration
 * in parts of at most PRINT_CHUNK, and the rest with a reason. Integrations whose adapter cannot print are left out
 * while another one prints; when none does, they stay in so the print itself refuses with the integrator's name.
 */
export async function printPlan(db: Queryable, companyId: number, scope: PrintScope): Promise<PrintPlan> {
  const where: SQL =
    "orderId" in scope
      ? and(eq(orders.companyId, companyId), eq(orders.id, scope.orderId))!
      : and(eq(orders.companyId, companyId), eq(orders.manifestId, scope.manifestId))!;
  const rows = await db
    .select({
      orderId: orders.id,
      number: orders.number,
      state: transfers.state,
      cancelState: transfers.cancelState,
      integrationId: transfers.integrationId,
      integrator: integrations.integrator,
      partnerNumber: transfers.partnerNumber,
      partnerCode: transfers.partnerOrderCode,
      partnerRef: transfers.partnerRef,
    })
    .from(orders)
    .leftJoin(transfers, and(eq(transfers.companyId, orders.companyId), eq(transfers.orderId, orders.id)))
    .leftJoin(integrations, eq(integrations.id, transfers.integrationId))
    .where(where)
    .orderBy(asc(orders.id), asc(transfers.integrationId));

  const byOrder = new Map<number, typeof rows>();
  for (const r of rows) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), r]);

  const groups = new Map<number, { integrator: string; orders: PrintRef[] }>();
  const notAccepted: PrintPlan["skipped"] = [];
  for (const [orderId, ts] of byOrder) {
    const number = ts[0]!.number;
    const atPartner = ts.filter((t) => t.state === "sent" && t.cancelState !== "done");
    for (const t of atPartner) {
      const g = groups.get(t.integrationId!) ?? { integrator: t.integrator!, orders: [] };
      g.orders.push({ orderId, number: t.partnerNumber!, partnerCode: t.partnerCode, partnerRef: t.partnerRef });
      groups.set(t.integrationId!, g);
    }
    if (atPartner.length === 0) notAccepted.push({ orderId, number, ...whyNotPrintable(ts) });
  }

  const printing = [...groups].filter(([, g]) => printsAt(g.integrator));
  const used = printing.length > 0 ? printing : [...groups];
  const usedOrders = new Set(used.flatMap(([, g]) => g.orders.map((o) => o.orderId)));
  const unsupported = new Map<number, PrintPlan["skipped"][number]>();
  for (const [, g] of printing.length > 0 ? groups : []) {
    if (printsAt(g.integrator)) continue;
    const reason = `интегратор «${getIntegrator(g.integrator)?.title ?? g.integrator}» не печатает формы`;
    for (const o of g.orders) {
      if (!usedOrders.has(o.orderId) && !unsupported.has(o.orderId))
        unsupported.set(o.orderId, { orderId: o.orderId, number: byOrder.get(o.orderId)![0]!.number, reason });
    }
  }

  const parts: PrintPart[] = [];
  for (const [integrationId, g] of used) {
    for (let i = 0; i < g.orders.length; i += PRINT_CHUNK) {
      parts.push({ integrationId, integrator: g.integrator, orders: g.orders.slice(i, i + PRINT_CHUNK) });
    }
  }
  const skipped = [...notAccepted, ...unsupported.values()].sort((a, b) => a.orderId - b.orderId);
  const made = new Set(used.flatMap(([, g]) => formsOf(g.integrator)));
  return { printable: printing.length > 0, forms: PRINT_FORMS.filter((f) => made.has(f)), parts, skipped };
}

/** Why an order none of whose transfers the partner holds gets no form; `detail` is the hand-over's state. */
function whyNotPrintable(ts: { state: keyof typeof TRANSFER_STATE_TITLES | null }[]) {
  const live = ts.filter((t) => t.state !== null && t.state !== "cancelled");
  if (live.length === 0) return { reason: "не передавался партнёру" };
  if (live.some((t) => t.state === "sent")) return { reason: "отменён у партнёра" };
  return { reason: "ещё не принят партнёром", detail: lowerFirst(TRANSFER_STATE_TITLES[live[0]!.state!]) };
}

export interface PrintedForms {
  contentType: string;
  body: Uint8Array;
  /** 1-based; `parts` > 1 when a manifest needs several requests (more than PRINT_CHUNK orders or integrations). */
  part: number;
  parts: number;
  /** How many orders this part's file covers. */
  orders: number;
  skipped: PrintPlan["skipped"];
  /** The file's name: ASCII for old browsers, and the Russian title. */
  fileName: { ascii: string; title: string };
}

/**
 * A partner's print form (waybill or package labels) of one order or of a manifest's orders, as the partner makes it.
 * Only orders the partner has accepted are printed; a manifest's others are listed in `skipped`.
 */
export async function printPartnerForms({ ctx, input }: ServiceCall<unknown>): Promise<PrintedForms> {
  assertStaff(ctx);
  const req = printFormsSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const subject = await findSubject(ctx.db, companyId, req);
  const plan = await printPlan(ctx.db, companyId, subject.scope);
  if (plan.parts.length === 0) throw new ConflictError(nothingToPrint(subject, plan.skipped));

  const index = (req.part ?? 1) - 1;
  const part = plan.parts[index];
  if (!part) {
    const message = `Части ${req.part} нет: формы ${subject.of} печатаются в ${plan.parts.length} ${partsWord(plan.parts.length)}`;
    throw new ValidationError(message, { part: [message] });
  }

  let partner, printer;
  try {
    partner = await loadPartner(ctx.db, part.integrationId);
    if (!partner || partner.companyId !== companyId) throw new NotFoundError("Интеграция");
    printer = capability(partner, "print", "Печать форм");
    if (!(printer.forms ?? ["waybill", "label"]).includes(req.form))
      throw new PartnerError(
        "rejected",
        `${PRINT_FORM_TITLES[req.form]}: у «${partner.adapter.title}» такой формы нет`,
      );
  } catch (e) {
    // Our side refuses (no print capability, unusable settings): nothing the partner said.
    if (e instanceof PartnerError) throw new ConflictError(e.message);
    throw e;
  }

  let file;
  try {
    file = await printer.print(
      partner.settings,
      part.orders.map((o) => ({ number: o.number, partnerCode: o.partnerCode, partnerRef: o.partnerRef })),
      req.form,
      partner.options,
    );
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    const text = partnerMessage(e.message, { max: 300 });
    if (e.kind === "auth") await markUnhealthy(ctx.db, partner.id, companyId, text);
    throw new PartnerPrintError(e.kind, partnerFailure(e.kind, text));
  }

  const contentType = file.contentType || "application/octet-stream";
  return {
    contentType,
    body: file.body,
    part: index + 1,
    parts: plan.parts.length,
    orders: part.orders.length,
    skipped: plan.skipped,
    fileName: fileName(req.form, subject, index + 1, plan.parts.length, contentType),
  };
}

interface Subject {
  scope: PrintScope;
  kind: "order" | "manifest";
  number: string;
  /** «заказа 123» / «манифеста M-1» */
  of: string;
}

async function findSubject(
  db: Queryable,
  companyId: number,
  req: { orderId?: number; manifestId?: number },
): Promise<Subject> {
  if (req.orderId !== undefined) {
    const [o] = await db
      .select({ number: orders.number })
      .from(orders)
      .where(and(eq(orders.companyId, companyId), eq(orders.id, req.orderId)));
    if (!o) throw new NotFoundError("Заказ");
    return { scope: { orderId: req.orderId }, kind: "order", number: o.number, of: `заказа ${o.number}` };
  }
  const [m] = await db
    .select({ number: manifests.number })
    .from(manifests)
    .where(and(eq(manifests.companyId, companyId), eq(manifests.id, req.manifestId!)));
  if (!m) throw new NotFoundError("Манифест");
  return { scope: { manifestId: req.manifestId! }, kind: "manifest", number: m.number, of: `манифеста ${m.number}` };
}

function nothingToPrint(subject: Subject, skipped: PrintPlan["skipped"]): string {
  if (subject.kind === "order") {
    const why: { reason: string; detail?: string } = skipped[0] ?? { reason: "не передавался партнёру" };
    return `Заказ ${subject.number} ${why.reason}: печатать нечего${why.detail ? ` (${why.detail})` : ""}`;
  }
  if (skipped.length === 0) return `В манифесте ${subject.number} нет заказов: печатать нечего`;
  const shown = skipped.slice(0, 10).map((s) => `${s.number} — ${skipText(s)}`);
  const more = skipped.length > shown.length ? `; и ещё ${skipped.length - shown.length}` : "";
  return `В манифесте ${subject.number} нет заказов, принятых партнёром: печатать нечего (${shown.join("; ")}${more})`;
}

/** «ещё не принят партнёром (в очереди)» */
export const skipText = (s: { reason: string; detail?: string }) => (s.detail ? `${s.reason} (${s.detail})` : s.reason);

function partnerFailure(kind: FailureKind, text: string): string {
  // Some partners' texts already say to try again («…за минуту, попробуйте ещё раз»).
  if (kind === "transient")
    return `Партнёр не выдал форму: ${text}${/попробуйте/i.test(text) ? "" : ". Попробуйте ещё раз позже"}`;
  if (kind === "auth") return `Партнёр не принял ключи интеграции: ${text}. Проверьте настройки интеграции`;
  return `Партнёр отказал в печати: ${text}`;
}

/** «части» after «в N»: в 1 части, в 2 частях. */
const partsWord = (n: number) => (n % 10 === 1 && n % 100 !== 11 ? "части" : "частях");

const EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "application/zip": "zip",
};

const ASCII_FORM_NAMES = { waybill: "waybill", label: "labels", act: "act", deliveryList: "delivery-list" } as const;

function fileName(form: keyof typeof PRINT_FORM_TITLES, subject: Subject, part: number, parts: number, type: string) {
  const ext = EXTENSIONS[type.split(";")[0]!.trim().toLowerCase()] ?? "bin";
  const asciiNumber = subject.number.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60) || "x";
  const ascii = `${ASCII_FORM_NAMES[form]}-${subject.kind}-${asciiNumber}${parts > 1 ? `-part-${part}-of-${parts}` : ""}.${ext}`;
  const whose = `${subject.kind === "order" ? "заказ" : "манифест"} ${subject.number}`;
  const title = `${PRINT_FORM_TITLES[form]} — ${whose}${parts > 1 ? ` (часть ${part} из ${parts})` : ""}.${ext}`;
  // Path separators and the characters Windows refuses would make the browser rename or drop the name.
  // eslint-disable-next-line no-control-regex -- control characters are not allowed in a file name
  return { ascii, title: title.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_") };
}
