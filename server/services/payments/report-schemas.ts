import { z } from "zod";
import { bigId, int32Id, isoDate } from "../primitives";

/**
 * Pure request schemas (no DB) of the COD view and the PimPay reconciliations: the browser's forms import them too.
 * Days are the courier's local (Moscow) calendar days, as everywhere in the cabinet.
 */

const MAX_PERIOD_DAYS = 366;
const PERIOD_MESSAGE = "Начало периода позже его конца";
const LONG_PERIOD_MESSAGE = `Период не длиннее ${MAX_PERIOD_DAYS} дней`;
const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

const period = {
  from: isoDate("Дата начала в формате ГГГГ-ММ-ДД", "Укажите начало периода"),
  to: isoDate("Дата конца в формате ГГГГ-ММ-ДД", "Укажите конец периода"),
};

function checkPeriod(v: { from?: string; to?: string }, ctx: z.RefinementCtx) {
  if (!v.from || !v.to) return;
  const days = dayNumber(v.to) - dayNumber(v.from);
  if (days < 0) ctx.addIssue({ code: "custom", path: ["to"], message: PERIOD_MESSAGE });
  else if (days >= MAX_PERIOD_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: LONG_PERIOD_MESSAGE });
}

/** «Наложенный платёж»: orders created in the period, all clients or one. */
export const codViewSchema = z.object({ clientId: int32Id("Клиент").optional(), ...period }).superRefine(checkPeriod);
export type CodViewInput = z.input<typeof codViewSchema>;

/** The export route's query string (`?from=…&to=…&clientId=…`) read into the same input. */
export function codViewInputOf(params: URLSearchParams): CodViewInput {
  const clientId = params.get("clientId");
  return {
    from: params.get("from") ?? undefined,
    to: params.get("to") ?? undefined,
    clientId: clientId ? Number(clientId) : undefined,
  } as CodViewInput;
}

/** Kopecks exactly: a money amount with at most two decimals, as a payment order states it. */
const amount = (missing: string) =>
  z
    .number({ error: missing })
    .min(0, "Сумма не может быть отрицательной")
    .max(999_999_999_999, "Слишком большая сумма")
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, "Не больше двух знаков после запятой");

export const MAX_VERIFICATION_ORDERS = 5000;

const verificationFields = {
  clientId: int32Id("Выберите клиента"),
  from: period.from.optional(),
  to: period.to.optional(),
  /** Explicit orders instead of the period (the client's delivered COD orders among them). */
  orderIds: z
    .array(bigId("Некорректный номер заказа"))
    .min(1, "Укажите хотя бы один заказ")
    .max(MAX_VERIFICATION_ORDERS, `Не больше ${MAX_VERIFICATION_ORDERS} заказов в одной сверке`)
    .optional(),
  paymentOrder: z.object({
    // PimPay takes the payment order's number as an integer (xsd:int in its WSDL).
    number: z
      .string({ error: "Укажите номер платёжного поручения" })
      .trim()
      .regex(/^\d{1,9}$/, "Номер платёжного поручения — число, до 9 цифр"),
    date: isoDate("Дата платёжного поручения в формате ГГГГ-ММ-ДД", "Укажите дату платёжного поручения"),
    sum: amount("Укажите сумму платёжного поручения"),
  }),
  /**
   * The cash-service fee the contract sets, as a percent of the COD collected; 0 unless the user states one. We keep no
   * fee rate of our own, so none is assumed.
   */
  cashFeePercent: z.number({ error: "Процент — число" }).min(0, "Не меньше 0 %").max(20, "Не больше 20 %").default(0),
};

function checkScope(v: { from?: string; to?: string; orderIds?: number[] }, ctx: z.RefinementCtx) {
  if (!v.orderIds && (!v.from || !v.to)) {
    if (!v.from) ctx.addIssue({ code: "custom", path: ["from"], message: "Укажите период или заказы" });
    if (!v.to) ctx.addIssue({ code: "custom", path: ["to"], message: "Укажите период или заказы" });
  }
  checkPeriod(v, ctx);
}

export const previewVerificationSchema = z.object(verificationFields).superRefine(checkScope);
export type PreviewVerificationInput = z.input<typeof previewVerificationSchema>;

export const sendVerificationSchema = z
  .object({
    ...verificationFields,
    /** The preview's digest: the rows must still be what the user saw. */
    digest: z.string().max(100).optional(),
  })
  .superRefine(checkScope);
export type SendVerificationInput = z.input<typeof sendVerificationSchema>;

export const verificationIdSchema = z.object({ id: int32Id("Сверка") });

export const listVerificationsSchema = z.object({
  limit: z.number().int().min(1).max(100).default(30),
  cursor: z.number().int().positive().nullish(),
  clientId: int32Id("Клиент").optional(),
});
