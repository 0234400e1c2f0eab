import { MODULE_STATUSES } from "./statuses";

/** Printable documents the module offers in the CRM (`plateList`), served from our own label and waybill PDFs. */
export const PLATES = [
  { type: "order", code: "labels", label: "Этикетки мест" },
  { type: "order", code: "waybill", label: "Накладная" },
] as const;

/** Deliveries per `print` call (`platePrintLimit`). */
export const PLATE_PRINT_LIMIT = 50;

/** Callback paths under the module's `baseUrl` (our `/api/apps/retailcrm/callback`). */
export const DELIVERY_ACTIONS = {
  calculate: "/calculate",
  save: "/save",
  get: "/get",
  delete: "/delete",
  print: "/print",
  tariffList: "/tariffList",
} as const;

/**
 * The `integrationModule` payload of `integration-modules/{code}/edit` (retailcrm.md §4): our callbacks, the
 * declared delivery statuses, the documents, and which of the CRM's payment types mean cash on delivery.
 */
export function moduleConfiguration(p: {
  code: string;
  integrationCode: string;
  clientId: string;
  /** Our public base URL (PUBLIC_URL), no trailing slash. */
  publicUrl: string;
  active: boolean;
  codPaymentTypes: readonly string[];
  /** The courier company, named in the CRM's module list. */
  companyName: string;
}): Record<string, unknown> {
  const base = `${p.publicUrl}/api/apps/retailcrm`;
  return {
    code: p.code,
    integrationCode: p.integrationCode,
    active: p.active,
    name: `Курьерская служба — ${p.companyName}`.slice(0, 100),
    clientId: p.clientId,
    baseUrl: `${base}/callback`,
    accountUrl: `${base}/account`,
    actions: { activity: "/activity" },
    availableCountries: ["RU"],
    integrations: {
      delivery: {
        description: `Доставка службой «${p.companyName}»: заказ передаётся при сохранении, статусы приходят сами`,
        actions: DELIVERY_ACTIONS,
        payerType: ["sender", "receiver"],
        platePrintLimit: PLATE_PRINT_LIMIT,
        rateDeliveryCost: true,
        allowPackages: true,
        codAvailable: true,
        allowTrackNumber: true,
        selfShipmentAvailable: false,
        requiredFields: ["phone"],
        statusList: MODULE_STATUSES,
        plateList: PLATES,
        settings: {
          defaultPayerType: "receiver",
          costCalculateBy: "auto",
          paymentTypes: p.codPaymentTypes.map((code) => ({ code, active: true, cod: true })),
        },
      },
    },
  };
}
