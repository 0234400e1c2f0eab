/** Fixed vocabulary of PimPay Platform API v2_7 (protocol note §1–§6); the stand-in checks requests against it. */

export const PIMPAY_NAMESPACE = "urn:PlatformApiWsdl";
export const SOAP_PATH = "/v2_7/soap/invoke";
export const WSDL_PATH = "/v2_7/soap/wsdl";

/** The operations this stand-in implements (the real API has more: payouts, Russian Post, containers). */
export const OPERATIONS = [
  "testHeaderSignature",
  "getDeliveryServices",
  "getClient",
  "acceptClient",
  "upsertOrders",
  "upsertHistoricalOrders",
  "updateStateForOrders",
  "sendVerification",
  "getVerificationStatus",
] as const;
export type Operation = (typeof OPERATIONS)[number];

export const soapActionFor = (op: string) => `${PIMPAY_NAMESPACE}#${op}`;

export const UNIFORM_STATUSES = [
  "pending",
  "prepared",
  "intransit",
  "stored",
  "delivered",
  "partialReturn",
  "return",
  "lost",
  "error",
  "unknown",
] as const;
export type UniformStatus = (typeof UNIFORM_STATUSES)[number];

export const CURRENCIES = ["RUB", "KZT", "USD", "EUR", "GBP", "CNY", "BYN", "UAH", "KGS", "AMD", "TRY", "THB"];

/** `dengivzaimy` is in one WSDL copy only (note §4.1, unconfirmed): accepted here so neither copy's client fails. */
export const MONEY_RECIPIENTS = ["delivery_service", "client", "pimpay", "mobi", "dengivzaimy"];

export const VAT_VALUES = ["vat_20", "vat_18", "vat_10", "vat_0", "vat_no"];

/** Carrier codes with Russian titles; the list grows at PimPay, so `deliveryServices` in the options can add more. */
export const DEFAULT_DELIVERY_SERVICES: { code: string; title: string }[] = [
  { code: "sdek", title: "СДЭК" },
  { code: "top_delivery", title: "TopDelivery" },
  { code: "boxberry", title: "Boxberry" },
  { code: "dpd", title: "DPD" },
  { code: "pick_point", title: "PickPoint" },
  { code: "post", title: "Почта России" },
  { code: "shiptor", title: "Shiptor" },
  { code: "logsis", title: "Logsis" },
  { code: "pek", title: "ПЭК" },
  { code: "b2cpl", title: "B2CPL" },
  { code: "cse", title: "КСЭ" },
  { code: "ems", title: "EMS Почта России" },
  { code: "kit", title: "КИТ" },
  { code: "hermes", title: "Hermes" },
  { code: "dalli_service", title: "Dalli Service" },
  { code: "courierist", title: "Курьерист" },
];

export const TIN_RE = /^[0-9]{10,12}$/;
export const MOBILE_RE = /^\+\d{11}$/;
export const POST_ID_RE = /^(?:[A-Z]{2}\d{9}[A-Z]{2}|\d{14})$/;
/** xsd:dateTime: date, time, optional fraction and zone. */
export const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}(?:Z|[+-]\d{2}:\d{2})?$/;

/** PimPay's own answer to an order without its main parts (note §4.1; the typo is theirs). */
export const NO_MAIN_PARTS = "Не указана ни одна из обазательных частей основной информации по заказу.";

export const SIGNATURE_HEADER = "x-request-signature";
export const DIGESTS = ["sha1", "sha256", "sha512"] as const;
export type Digest = (typeof DIGESTS)[number];
