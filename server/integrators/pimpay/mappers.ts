import { statusTitle } from "../../services/orders/statuses";
import type { PaymentOrder, PaymentState } from "../types";
import { array, leaf, struct } from "./envelope";
import type { PimPaySettings } from "./settings";
import type { UniformStatus } from "./statuses";

/**
 * Partners' codes at PimPay (`deliveryService`, from its `getDeliveryServices`): an order handed to CDEK is reported
 * as `sdek` with CDEK's number. A MeaSoft partner has no PimPay code of its own: such orders go under ours.
 */
const CARRIER_CODES: Record<string, string> = { cdek: "sdek", topdelivery: "top_delivery" };

const uniformOf = (settings: PimPaySettings, status: string): UniformStatus =>
  (settings.statusMap as Record<string, UniformStatus | undefined>)[status] ?? "unknown";

/** `createdAt` and history times as the bundles write them: UTC, no fractions (`Y-m-d\\TH:i:s\\Z`). */
export const pimpayTime = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

const VAT: Record<number, string> = { 20: "vat_20", 18: "vat_18", 10: "vat_10", 0: "vat_0", [-1]: "vat_no" };
const money = (n: number) => (Math.round(n * 100) / 100).toFixed(2);

function carrierOf(settings: PimPaySettings, o: PaymentOrder) {
  const partner = o.carrier.integrator ? CARRIER_CODES[o.carrier.integrator] : undefined;
  return { code: partner ?? settings.companyCode, externalId: o.carrier.externalId };
}

/** One `Order` of `upsertOrders` (pimpay.md §4.1): the full order, its money, receiver, goods and history. */
export function orderFields(settings: PimPaySettings, o: PaymentOrder): string[] {
  const carrier = carrierOf(settings, o);
  const history = o.history.map((h) => [
    leaf("time", pimpayTime(h.at), "dateTime"),
    leaf("uniformPimpayDeliveryStatus", uniformOf(settings, h.status), "string"),
    leaf("customDeliveryStatus", statusTitle(h.status), "string"),
  ]);
  const params = struct(
    "params",
    [
      leaf("currency", o.currency, "string"),
      leaf("paymentFromRecipient", money(o.codAmount), "float"),
      leaf("declaredOrderCost", money(o.declaredValue), "float"),
      leaf("estimatedDeliveryCost", money(o.deliveryPrice), "float"),
      leaf("deliveryService", carrier.code, "string"),
      leaf("deliveryServiceExternalId", carrier.externalId, "string"),
      leaf("uniformPimpayDeliveryStatus", uniformOf(settings, o.status), "string"),
      leaf("customDeliveryStatus", statusTitle(o.status), "string"),
      leaf("deliveryServiceDeliveryStatus", o.partnerStatus, "string"),
      leaf("returnUtilization", false, "boolean"),
      array("history", "DeliveryStatusHistory", "DeliveryStatusHistoryItem", history),
    ],
    "OrderParams",
  );
  const r = o.receiver;
  const items = o.items.map((i, n) => [
    leaf("id", String(n + 1), "string"),
    leaf("name", i.name, "string"),
    leaf("sku", i.article, "string"),
    leaf("value", money(i.price), "float"),
    leaf("cost", money(i.price), "float"),
    leaf("count", i.quantity, "int"),
    leaf("weight", i.weight, "float"),
    leaf("vatValue", i.vatRate === null ? undefined : VAT[i.vatRate], "string"),
  ]);
  return [
    leaf("id", o.id, "string"),
    leaf("tin", o.tin, "string"),
    leaf("shopExternalId", o.number, "string"),
    leaf("createdAt", pimpayTime(o.createdAt), "dateTime"),
    struct("base", [params], "OrderBase"),
    struct("destinationAddress", [
      leaf("full", [r.zip, r.town, r.address].filter(Boolean).join(", "), "string"),
      leaf("zipcode", r.zip, "string"),
      leaf("city", r.town, "string"),
    ]),
    struct("recipient", [leaf("fio", r.name, "string"), leaf("phone", r.phone, "string")]),
    o.items.length ? array("items", "OrderItems", "OrderItem", items) : "",
    // The courier company collects the money from the recipient (pimpay.md §4.1 moneyRecipient).
    leaf("moneyRecipient", "delivery_service", "string"),
  ];
}

/** One `OrderState` of `updateStateForOrders` (§4.2): the frequently changing part. */
export function stateFields(settings: PimPaySettings, s: PaymentState): string[] {
  return [
    leaf("id", s.id, "string"),
    leaf("cost", money(s.codAmount), "float"),
    leaf("uniformPimpayDeliveryStatus", uniformOf(settings, s.status), "string"),
    leaf("customDeliveryStatus", statusTitle(s.status), "string"),
    leaf("deliveryServiceDeliveryStatus", s.partnerStatus, "string"),
    leaf("time", pimpayTime(s.statusAt), "dateTime"),
  ];
}

export const ordersPart = (settings: PimPaySettings, orders: PaymentOrder[]) =>
  array(
    "orders",
    "Orders",
    "Order",
    orders.map((o) => orderFields(settings, o)),
  );

export const statesPart = (settings: PimPaySettings, states: PaymentState[]) =>
  array(
    "ordersStates",
    "OrdersStates",
    "OrderState",
    states.map((s) => stateFields(settings, s)),
  );

/** `acceptClient`'s fields (§3): what PimPay requires to register a shop. */
export interface AcceptClientInput {
  legalEntityName: string;
  tin: string;
  shopName: string;
  email: string;
  mobile: string;
  agreement?: string;
}

export const acceptClientParts = (c: AcceptClientInput) => [
  leaf("legalEntityName", c.legalEntityName, "string"),
  leaf("tin", c.tin, "string"),
  leaf("agreement", c.agreement, "string"),
  leaf("shopName", c.shopName, "string"),
  leaf("email", c.email, "string"),
  leaf("mobile", c.mobile, "string"),
];

/** A reconciliation row (§6): `<item oid ptp pfr dc cs ins/>`, attributes as the PHP SDK writes them. */
export interface VerificationRow {
  orderId: string;
  toPimpay: number;
  fromRecipient: number;
  deliveryCost: number;
  cashFee: number;
  insurance: number;
}

export function verificationParts(input: {
  tin: string;
  id: string;
  paymentOrder: { num: string; date: string; sum: number };
  rows: VerificationRow[];
}): string[] {
  const rows = input.rows
    .map(
      (r) =>
        `<item oid="${r.orderId.replace(/[^\w-]/g, "")}" ptp="${money(r.toPimpay)}" pfr="${money(r.fromRecipient)}" dc="${money(r.deliveryCost)}" cs="${money(r.cashFee)}" ins="${money(r.insurance)}"/>`,
    )
    .join("");
  return [
    leaf("tin", input.tin, "string"),
    leaf("id", input.id, "string"),
    struct("paymentOrder", [
      leaf("num", input.paymentOrder.num, "string"),
      leaf("date", input.paymentOrder.date, "string"),
      leaf("sum", money(input.paymentOrder.sum), "float"),
    ]),
    `<rows>${rows}</rows>`,
  ];
}
