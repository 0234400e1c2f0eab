import { createHmac, randomBytes } from "node:crypto";
import { ControlError } from "../shared/process";
import type { CrmAccount, CrmOrder, ReferenceItem, RetailCrmStandInTuning } from "./types";

/** Accounts, keys and reference data of the stand-in, free of HTTP. */

export const ALL_SCOPES = [
  "delivery_read",
  "delivery_write",
  "integration_read",
  "integration_write",
  "reference_read",
  "reference_write",
  "order_read",
  "order_write",
];
export const DEFAULT_DEMO_API_KEY = "kh-retailcrm-demo-key";
export const DEFAULT_SECRET = "kh-retailcrm-secret";

export const DEFAULT_TUNING: RetailCrmStandInTuning = {
  simpleConnectionSecret: DEFAULT_SECRET,
  requiredDeliveryActions: ["save"],
  rateLimit: null,
  rateLimitStatus: 503,
  trackingMaxItems: 100,
  strictDeliveryIds: true,
  referenceScopes: ["reference_read", "delivery_read", "integration_read"],
  callbackTimeoutMs: 10_000,
};

export { ControlError };

/** The simple-connection token (§3.2 step 4): lowercase hex HMAC-SHA256, key = secret, message = apiKey. */
export function simpleConnectionToken(secret: string, apiKey: string): string {
  return createHmac("sha256", secret).update(apiKey).digest("hex");
}

export function resolveTuning(patch: Partial<RetailCrmStandInTuning>, base: RetailCrmStandInTuning) {
  const next = { ...base };
  const optional = ["configUrl", "connectUrl", "integrationCode"];
  for (const [k, v] of Object.entries(patch))
    if (optional.includes(k) || (k in DEFAULT_TUNING && v !== undefined)) (next as Record<string, unknown>)[k] = v;
  if (next.rateLimitStatus !== 503 && next.rateLimitStatus !== 429)
    throw new ControlError(400, "rateLimitStatus: допустимо 503 или 429");
  for (const k of ["configUrl", "connectUrl"] as const)
    if (next[k]) {
      try {
        new URL(next[k]);
      } catch {
        throw new ControlError(400, `${k}: «${next[k]}» — не адрес`);
      }
    }
  return next;
}

function refs(list: [string, string, Record<string, unknown>?][]): ReferenceItem[] {
  return list.map(([code, name, extra]) => ({ code, name, active: true, ...extra }));
}

export interface CreateAccountInput {
  slug?: string;
  name?: string;
  apiKey?: string;
  scopes?: string[];
  sites?: { code: string; name: string }[];
}

/** A CRM account with Russian reference data like a fresh RetailCRM has. */
export function newAccount(slug: string, url: string, input: CreateAccountInput): CrmAccount {
  const sites = input.sites ?? [{ code: "main", name: "Основной магазин" }];
  return {
    slug,
    name: input.name ?? `Магазин ${slug}`,
    url,
    sites,
    keys: [
      {
        key: input.apiKey ?? randomKey(),
        scopes: input.scopes ?? [...ALL_SCOPES],
        sites: [],
        revoked: false,
        createdBy: "demo",
      },
    ],
    modules: new Map(),
    paymentTypes: refs([
      ["cash", "Наличные", { defaultForCrm: true }],
      ["bank-card", "Банковская карта"],
      ["bank-transfer", "Безналичный расчёт"],
      ["credit", "В кредит"],
    ]),
    deliveryTypes: refs([
      ["courier", "Доставка курьером", { defaultCost: 300, integrationCode: null }],
      ["self-delivery", "Самовывоз", { defaultCost: 0, integrationCode: null }],
    ]),
    statuses: refs([
      ["new", "Новый", { group: "new", ordering: 10 }],
      ["availability-confirmed", "Наличие подтверждено", { group: "approval", ordering: 20 }],
      ["assembling-complete", "Укомплектован", { group: "assembling", ordering: 30 }],
      ["send-to-delivery", "Передан в доставку", { group: "delivery", ordering: 40 }],
      ["delivering", "Доставляется", { group: "delivery", ordering: 50 }],
      ["complete", "Выполнен", { group: "complete", ordering: 60 }],
      ["cancel-other", "Отменён", { group: "cancel", ordering: 70 }],
      ["returned", "Возврат", { group: "cancel", ordering: 80 }],
    ]),
    stores: refs([["warehouse", "Основной склад", { type: "store-type-warehouse" }]]),
    orders: [],
    failTracking: { count: 0, status: 500 },
    forceRateLimit: 0,
  };
}

export function randomKey(): string {
  return randomBytes(16).toString("base64url");
}

export function findOrder(account: CrmAccount, ref: string | number): CrmOrder | undefined {
  return account.orders.find((o) => o.id === Number(ref) || o.number === String(ref) || o.externalId === String(ref));
}
