import type { CrmAccount, Json, RetailCrmStandInTuning, StoredModule } from "./types";

/** Validation of what our module sends (§4 `edit`, §6 tracking); errors are keyed by the field's path. */

export const DELIVERY_ACTIONS = [
  "calculate",
  "save",
  "get",
  "delete",
  "print",
  "shipmentSave",
  "shipmentDelete",
  "shipmentPointList",
  "tariffList",
];
const DATA_FIELD_TYPES = ["integer", "text", "autocomplete", "checkbox", "choice", "date"];
const BOOLEAN_FLAGS = [
  "rateDeliveryCost",
  "allowPackages",
  "codAvailable",
  "selfShipmentAvailable",
  "duplicateOrderProductSupported",
  "allowTrackNumber",
];
/** Tracking `updatedAt` is `Y-m-d\TH:i:sP` (§1 exception). */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

function isHttpUrl(v: unknown): boolean {
  if (!isStr(v)) return false;
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * Checks an `integrationModule` payload for account `account` under path code `code`. `previous` is the stored module:
 * an update may leave out top-level fields it does not change *(stand-in: a shallow merge)*.
 */
export function validateModule(
  input: Json,
  code: string,
  account: CrmAccount,
  tuning: RetailCrmStandInTuning,
  previous?: StoredModule,
): { module: Json; errors: Record<string, string> } {
  const m: Json = previous ? { ...previous.payload, ...input } : { ...input };
  const errors: Record<string, string> = {};
  const err = (path: string, msg: string) => (errors[path] ??= msg);
  if (m.code === undefined) m.code = code;
  if (m.code !== code) err("code", `Код модуля «${String(m.code)}» не совпадает с кодом в адресе «${code}»`);
  if (!isStr(m.integrationCode)) err("integrationCode", "Обязательное поле");
  else if (tuning.integrationCode && m.integrationCode !== tuning.integrationCode)
    err("integrationCode", `Модуль с символьным кодом «${m.integrationCode}» не зарегистрирован в Маркетплейсе`);
  if (typeof m.active !== "boolean") err("active", "Обязательное поле типа boolean");
  if (!isStr(m.name)) err("name", "Обязательное поле");
  if (!isStr(m.clientId)) err("clientId", "Обязательное поле");
  if (!isHttpUrl(m.baseUrl)) err("baseUrl", "Нужен абсолютный адрес http(s)");
  if (m.accountUrl !== undefined && !isHttpUrl(m.accountUrl)) err("accountUrl", "Нужен абсолютный адрес http(s)");
  if (m.logo !== undefined && !isHttpUrl(m.logo)) err("logo", "Нужен абсолютный адрес http(s)");
  if (m.actions !== undefined) {
    if (!isObj(m.actions)) err("actions", "Нужен объект");
    else
      for (const [k, v] of Object.entries(m.actions)) {
        if (k !== "activity") err(`actions.${k}`, "На уровне модуля допустимо только действие activity");
        else if (!isStr(v)) err(`actions.${k}`, "Нужен путь относительно baseUrl");
      }
  }
  checkCountries(m.availableCountries, "availableCountries", err);
  const integrations = m.integrations;
  if (integrations !== undefined && !isObj(integrations)) err("integrations", "Нужен объект");
  const delivery = isObj(integrations) ? integrations.delivery : undefined;
  if (delivery !== undefined) {
    if (!isObj(delivery)) err("integrations.delivery", "Нужен объект");
    else validateDelivery(delivery, account, tuning, err);
  }
  return { module: m, errors };
}

function checkCountries(v: unknown, path: string, err: (p: string, m: string) => void) {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.some((c) => typeof c !== "string" || !/^[A-Z]{2}$/.test(c)))
    err(path, 'Нужен список кодов стран ISO 3166-1 alpha-2, например ["RU"]');
}

function validateDelivery(
  d: Json,
  account: CrmAccount,
  tuning: RetailCrmStandInTuning,
  err: (path: string, msg: string) => void,
) {
  const p = "integrations.delivery";
  if (!isObj(d.actions)) err(`${p}.actions`, "Обязательное поле: пути действий относительно baseUrl");
  else {
    for (const [k, v] of Object.entries(d.actions)) {
      if (!DELIVERY_ACTIONS.includes(k))
        err(`${p}.actions.${k}`, `Неизвестное действие; допустимы ${DELIVERY_ACTIONS.join(", ")}`);
      else if (!isStr(v)) err(`${p}.actions.${k}`, "Нужен путь относительно baseUrl");
    }
    for (const a of tuning.requiredDeliveryActions)
      if (d.actions[a] === undefined) err(`${p}.actions.${a}`, "Обязательное действие");
  }
  const payer = d.payerType;
  if (
    payer !== undefined &&
    (!Array.isArray(payer) || !payer.length || payer.some((x) => x !== "sender" && x !== "receiver"))
  )
    err(`${p}.payerType`, "Нужен непустой список из sender, receiver");
  if (d.platePrintLimit !== undefined && !(Number.isInteger(d.platePrintLimit) && (d.platePrintLimit as number) > 0))
    err(`${p}.platePrintLimit`, "Нужно целое число больше 0");
  for (const f of BOOLEAN_FLAGS)
    if (d[f] !== undefined && typeof d[f] !== "boolean") err(`${p}.${f}`, "Нужно значение типа boolean");
  checkCountries(d.availableCountries, `${p}.availableCountries`, err);
  if (d.requiredFields !== undefined && (!Array.isArray(d.requiredFields) || d.requiredFields.some((x) => !isStr(x))))
    err(`${p}.requiredFields`, "Нужен список строк");

  // statusList: the codes tracking may later push (§4, §6).
  const statusCodes = new Set<string>();
  if (!Array.isArray(d.statusList) || !d.statusList.length) err(`${p}.statusList`, "Нужен непустой список статусов");
  else
    d.statusList.forEach((s, i) => {
      const sp = `${p}.statusList[${i}]`;
      if (!isObj(s)) return err(sp, "Нужен объект {code, name}");
      if (!isStr(s.code)) err(`${sp}.code`, "Обязательное поле");
      else if (statusCodes.has(s.code)) err(`${sp}.code`, `Код «${s.code}» повторяется`);
      else statusCodes.add(s.code);
      if (!isStr(s.name)) err(`${sp}.name`, "Обязательное поле");
      for (const f of ["isEditable", "isError", "isPreprocessing"])
        if (s[f] !== undefined && typeof s[f] !== "boolean") err(`${sp}.${f}`, "Нужно значение типа boolean");
    });

  const plateCodes = new Set<string>();
  if (d.plateList !== undefined) {
    if (!Array.isArray(d.plateList)) err(`${p}.plateList`, "Нужен список");
    else
      d.plateList.forEach((pl, i) => {
        const pp = `${p}.plateList[${i}]`;
        if (!isObj(pl)) return err(pp, "Нужен объект {type, code, label}");
        if (pl.type !== "order" && pl.type !== "shipment") err(`${pp}.type`, "Допустимо order или shipment");
        if (!isStr(pl.code)) err(`${pp}.code`, "Обязательное поле");
        else if (plateCodes.has(pl.code)) err(`${pp}.code`, `Код «${pl.code}» повторяется`);
        else plateCodes.add(pl.code);
        if (!isStr(pl.label)) err(`${pp}.label`, "Обязательное поле");
      });
  }
  if (isObj(d.actions) && d.actions.print !== undefined && !plateCodes.size)
    err(`${p}.plateList`, "Действие print задано, но печатных форм (plateList) нет");

  for (const listName of ["deliveryDataFieldList", "shipmentDataFieldList"]) {
    const list = d[listName];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      err(`${p}.${listName}`, "Нужен список");
      continue;
    }
    list.forEach((f, i) => {
      const fp = `${p}.${listName}[${i}]`;
      if (!isObj(f)) return err(fp, "Нужен объект");
      if (!isStr(f.code)) err(`${fp}.code`, "Обязательное поле");
      if (!isStr(f.label)) err(`${fp}.label`, "Обязательное поле");
      if (!DATA_FIELD_TYPES.includes(f.type as string)) err(`${fp}.type`, `Допустимо ${DATA_FIELD_TYPES.join(", ")}`);
      if (f.type === "choice" && (!Array.isArray(f.choices) || !f.choices.length))
        err(`${fp}.choices`, "Для типа choice нужен список choices [{value, label}]");
      if (f.type === "autocomplete" && !isStr(f.autocompleteUrl))
        err(`${fp}.autocompleteUrl`, "Для типа autocomplete нужен autocompleteUrl");
    });
  }

  if (d.settings === undefined) return;
  if (!isObj(d.settings)) return err(`${p}.settings`, "Нужен объект");
  const s = d.settings;
  const sp = `${p}.settings`;
  if (s.defaultPayerType !== undefined) {
    if (s.defaultPayerType !== "sender" && s.defaultPayerType !== "receiver")
      err(`${sp}.defaultPayerType`, "Допустимо sender или receiver");
    else if (Array.isArray(payer) && !payer.includes(s.defaultPayerType))
      err(`${sp}.defaultPayerType`, "Нет среди payerType модуля");
  }
  if (s.costCalculateBy !== undefined && s.costCalculateBy !== "auto" && s.costCalculateBy !== "manual")
    err(`${sp}.costCalculateBy`, "Допустимо auto или manual");
  for (const f of ["nullDeclaredValue", "lockedByDefault"])
    if (s[f] !== undefined && typeof s[f] !== "boolean") err(`${sp}.${f}`, "Нужно значение типа boolean");
  if (s.paymentTypes !== undefined) {
    if (!Array.isArray(s.paymentTypes)) err(`${sp}.paymentTypes`, "Нужен список");
    else
      s.paymentTypes.forEach((pt, i) => {
        const pp = `${sp}.paymentTypes[${i}]`;
        if (!isObj(pt)) return err(pp, "Нужен объект {code, active, cod}");
        if (!isStr(pt.code)) err(`${pp}.code`, "Обязательное поле");
        else if (!account.paymentTypes.some((x) => x.code === pt.code))
          err(`${pp}.code`, `Типа оплаты «${pt.code}» в CRM нет`);
        if (pt.active !== undefined && typeof pt.active !== "boolean")
          err(`${pp}.active`, "Нужно значение типа boolean");
        if (pt.cod !== undefined && typeof pt.cod !== "boolean") err(`${pp}.cod`, "Нужно значение типа boolean");
        if (pt.cod === true && d.codAvailable === false)
          err(`${pp}.cod`, "Наложенный платёж при codAvailable: false недоступен");
      });
  }
  if (s.statuses !== undefined) {
    if (!Array.isArray(s.statuses)) err(`${sp}.statuses`, "Нужен список");
    else
      s.statuses.forEach((st, i) => {
        const pp = `${sp}.statuses[${i}]`;
        if (!isObj(st)) return err(pp, "Нужен объект {code, trackingStatusCode}");
        if (!isStr(st.code)) err(`${pp}.code`, "Обязательное поле");
        else if (!account.statuses.some((x) => x.code === st.code))
          err(`${pp}.code`, `Статуса заказа «${st.code}» в CRM нет`);
        if (!isStr(st.trackingStatusCode)) err(`${pp}.trackingStatusCode`, "Обязательное поле");
        else if (statusCodes.size && !statusCodes.has(st.trackingStatusCode))
          err(`${pp}.trackingStatusCode`, `Статуса «${st.trackingStatusCode}» нет в statusList`);
      });
  }
}

/** Checks a `statusUpdate` array against the module's `statusList` (§6). */
export function validateTracking(
  input: unknown,
  statusCodes: Set<string>,
  knownDeliveryIds: Set<string> | undefined,
  maxItems: number,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const err = (path: string, msg: string) => (errors[path] ??= msg);
  if (!Array.isArray(input) || !input.length) {
    err("statusUpdate", "Нужен непустой массив JSON");
    return errors;
  }
  if (input.length > maxItems) err("statusUpdate", `Не больше ${maxItems} доставок за вызов`);
  input.forEach((item, i) => {
    const p = `statusUpdate[${i}]`;
    if (!isObj(item)) return err(p, "Нужен объект");
    if (!isStr(item.deliveryId)) err(`${p}.deliveryId`, "Обязательное поле (строка)");
    else if (knownDeliveryIds && !knownDeliveryIds.has(item.deliveryId))
      err(`${p}.deliveryId`, `Доставка «${item.deliveryId}» в CRM не найдена`);
    if (item.trackNumber !== undefined && typeof item.trackNumber !== "string") err(`${p}.trackNumber`, "Нужна строка");
    if (item.cost !== undefined && typeof item.cost !== "number") err(`${p}.cost`, "Нужно число");
    if (
      item.extraData !== undefined &&
      (!isObj(item.extraData) || Object.values(item.extraData).some((v) => typeof v !== "string"))
    )
      err(`${p}.extraData`, "Нужен объект {строка: строка}");
    if (item.history === undefined) return;
    if (!Array.isArray(item.history)) return err(`${p}.history`, "Нужен массив");
    item.history.forEach((h, j) => {
      const hp = `${p}.history[${j}]`;
      if (!isObj(h)) return err(hp, "Нужен объект {code, updatedAt, comment}");
      if (!isStr(h.code)) err(`${hp}.code`, "Обязательное поле");
      else if (!statusCodes.has(h.code)) err(`${hp}.code`, `Статуса «${h.code}» нет в statusList модуля`);
      if (
        typeof h.updatedAt !== "string" ||
        !ISO_WITH_OFFSET.test(h.updatedAt) ||
        Number.isNaN(Date.parse(h.updatedAt))
      )
        err(`${hp}.updatedAt`, "Нужна дата ISO-8601 со смещением, например 2025-06-04T09:30:00+03:00");
      if (h.comment !== undefined && h.comment !== null && typeof h.comment !== "string")
        err(`${hp}.comment`, "Нужна строка");
    });
  });
  return errors;
}
