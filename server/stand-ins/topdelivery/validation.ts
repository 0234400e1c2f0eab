import type { XmlRecord, XmlValue } from "./types";

/**
 * Checks of one `addedOrders` element (ctAddedOrder), the way the stand-in's TopDelivery refuses an order: every
 * problem as «path: what is wrong» in Russian, joined into the order's `addOrdersResult.message`.
 */

export const isRecord = (x: XmlValue | undefined): x is XmlRecord =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** A repeated element as a list whether it came once (a lone element) or many times. */
export function list(x: XmlValue | undefined): XmlValue[] {
  if (x === undefined) return [];
  return Array.isArray(x) ? x : [x];
}

export function text(x: XmlValue | undefined): string | undefined {
  return typeof x === "string" ? x : undefined;
}

export function record(x: XmlValue | undefined): XmlRecord | undefined {
  return isRecord(x) ? x : undefined;
}

const MONEY = /^\d{1,9}(\.\d{1,2})?$/;
const INT = /^\d{1,9}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$/;
export const VAT_RATES = ["NO_VAT", "0", "5", "7", "10", "20", "22"];
const ADDRESS_TYPES = ["id", "zip", "string", "pickup"];

/** Decimal roubles with a point and at most two decimals, or undefined. */
export function money(x: XmlValue | undefined): number | undefined {
  const s = text(x)?.trim();
  return s !== undefined && MONEY.test(s) ? Number(s) : undefined;
}

export function int(x: XmlValue | undefined): number | undefined {
  const s = text(x)?.trim();
  return s !== undefined && INT.test(s) ? Number(s) : undefined;
}

export function isRealDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string) {
    this.list.push(`${path}: ${message}`);
  }

  required(node: XmlRecord, path: string, field: string): string | undefined {
    const v = node[field];
    if (Array.isArray(v)) return void this.add(`${path}${field}`, "поле передано несколько раз");
    if (v === undefined || (typeof v === "string" && !v.trim()))
      return void this.add(`${path}${field}`, "обязательное поле не заполнено");
    if (typeof v !== "string") return void this.add(`${path}${field}`, "нужно значение, а не вложенные элементы");
    return v.trim();
  }

  block(node: XmlRecord, path: string, field: string, required: boolean): XmlRecord | undefined {
    const v = node[field];
    if (v === undefined || v === "") {
      if (required) this.add(`${path}${field}`, "обязательный блок не передан");
      return undefined;
    }
    if (!isRecord(v)) return void this.add(`${path}${field}`, "нужен один блок с вложенными полями");
    return v;
  }

  flag(node: XmlRecord | undefined, path: string, field: string) {
    const v = node?.[field];
    if (v !== undefined && v !== "" && v !== "0" && v !== "1") this.add(`${path}${field}`, "допустимы только 0 или 1");
  }

  money(node: XmlRecord, path: string, field: string, required: boolean): number | undefined {
    const v = node[field];
    if (v === undefined || v === "") {
      if (required) this.add(`${path}${field}`, "обязательное поле не заполнено");
      return undefined;
    }
    const parsed = money(v);
    if (parsed !== undefined) return parsed;
    const s = String(text(v) ?? "");
    this.add(
      `${path}${field}`,
      /^\d+,\d+$/.test(s)
        ? `сумма в рублях пишется с точкой, а не с запятой («${s}»)`
        : `нужна сумма в рублях: неотрицательное число с точкой и не более чем двумя знаками после неё, а не «${s}»`,
    );
    return undefined;
  }

  grams(node: XmlRecord, path: string, field: string, required: boolean, positive: boolean): number | undefined {
    const v = node[field];
    if (v === undefined || v === "") {
      if (required) this.add(`${path}${field}`, "обязательное поле не заполнено");
      return undefined;
    }
    const g = int(v);
    if (g !== undefined && (!positive || g > 0)) return g;
    const s = String(text(v) ?? "");
    this.add(
      `${path}${field}`,
      /^\d*[.,]\d+$/.test(s)
        ? `вес указывается в граммах целым числом; «${s}» похоже на килограммы`
        : `вес указывается в граммах целым ${positive ? "положительным " : "неотрицательным "}числом, а не «${s}»`,
    );
    return undefined;
  }
}

/** Every problem of one order ([] = the order can be created). */
export function findOrderErrors(order: XmlValue): string[] {
  const p = new Problems();
  if (!isRecord(order)) {
    p.add("addedOrders", "нужен блок заказа с вложенными полями");
    return p.list;
  }
  const serviceType = p.required(order, "", "serviceType");
  if (serviceType && serviceType !== "DELIVERY")
    p.add("serviceType", `поддерживается только DELIVERY, а не «${serviceType}»`);
  const deliveryType = p.required(order, "", "deliveryType");
  if (deliveryType && deliveryType !== "COURIER" && deliveryType !== "PICKUP")
    p.add("deliveryType", `допустимы COURIER или PICKUP, а не «${deliveryType}»`);
  const number = p.required(order, "", "webshopNumber");
  if (number && number.length > 50) p.add("webshopNumber", "не длиннее 50 символов");
  const barcode = text(order.webshopBarcode);
  if (barcode && !/^[A-Za-z0-9-]{1,50}$/.test(barcode))
    p.add("webshopBarcode", "только латинские буквы, цифры и дефис, не длиннее 50 символов");
  for (const f of ["deliveryCostPayAnyway", "paymentByCard"]) p.flag(order, "", f);

  checkDesiredDate(p, order);
  checkAddress(p, order, deliveryType);
  checkClient(p, order);

  const costs = p.block(order, "", "clientCosts", false);
  if (costs) {
    p.money(costs, "clientCosts.", "clientDeliveryCost", true);
    p.flag(costs, "clientCosts.", "recalcDelivery");
    const discount = p.block(costs, "clientCosts.", "discount", false);
    if (discount) {
      const type = text(discount.type);
      if (type !== "SUM" && type !== "PERCENT") p.add("clientCosts.discount.type", "допустимы SUM или PERCENT");
      const value = p.money(discount, "clientCosts.discount.", "value", true);
      if (type === "PERCENT" && value !== undefined && value > 100)
        p.add("clientCosts.discount.value", "скидка в процентах не больше 100");
    }
  }

  const services = p.block(order, "", "services", true);
  if (services) {
    for (const f of ["notOpen", "marking", "smsNotify", "forChoise"]) p.flag(services, "services.", f);
    const places = services.places;
    if (places !== undefined && typeof places !== "string")
      p.add(
        "services.places",
        "нужно число мест (количество), а не список мест: данные по местам передаются в addShipment",
      );
    else {
      const n = int(places);
      if (n === undefined || n < 1 || n > 99) p.add("services.places", "нужно число мест: целое от 1 до 99");
    }
    for (const pack of ["pack", "giftPack"]) {
      const block = p.block(services, "services.", pack, false);
      if (block) p.flag(block, `services.${pack}.`, "need");
    }
  }

  const weight = p.block(order, "", "deliveryWeight", true);
  if (weight) {
    p.grams(weight, "deliveryWeight.", "weight", true, true);
    const volume = p.block(weight, "deliveryWeight.", "volume", false);
    if (volume)
      for (const side of ["length", "width", "height"]) {
        const v = Number(text(volume[side]));
        if (!(Number.isFinite(v) && v > 0))
          p.add(`deliveryWeight.volume.${side}`, "нужен размер в сантиметрах больше нуля");
      }
  }

  checkItems(p, order);
  return p.list;
}

function checkDesiredDate(p: Problems, order: XmlRecord) {
  const desired = p.block(order, "", "desiredDateDelivery", false);
  if (!desired) return;
  const date = p.required(desired, "desiredDateDelivery.", "date");
  if (date && !isRealDate(date)) p.add("desiredDateDelivery.date", `нужна дата ГГГГ-ММ-ДД, а не «${date}»`);
  const interval = p.block(desired, "desiredDateDelivery.", "timeInterval", false);
  if (!interval) return;
  const from = p.required(interval, "desiredDateDelivery.timeInterval.", "bTime");
  const to = p.required(interval, "desiredDateDelivery.timeInterval.", "eTime");
  const bad = [from, to].filter((t) => t !== undefined && !TIME.test(t));
  if (bad.length) p.add("desiredDateDelivery.timeInterval", `время пишется ЧЧ:ММ, а не «${bad.join("», «")}»`);
  else if (from && to && from >= to)
    p.add("desiredDateDelivery.timeInterval", "начало интервала должно быть раньше конца");
}

function checkAddress(p: Problems, order: XmlRecord, deliveryType: string | undefined) {
  const address = p.block(order, "", "deliveryAddress", true);
  if (!address) return;
  const type = p.required(address, "deliveryAddress.", "type");
  if (type && !ADDRESS_TYPES.includes(type))
    return p.add("deliveryAddress.type", `допустимы ${ADDRESS_TYPES.join(", ")}, а не «${type}»`);
  if (deliveryType === "PICKUP" && type && type !== "pickup")
    return p.add("deliveryAddress.type", "для доставки в пункт выдачи (PICKUP) нужен тип pickup и pickupAddress.id");
  if (deliveryType === "COURIER" && type === "pickup")
    return p.add("deliveryAddress.type", "тип pickup только для доставки в пункт выдачи (PICKUP)");
  if (type === "pickup") {
    const point = p.block(address, "deliveryAddress.", "pickupAddress", true);
    const id = point ? int(point.id) : undefined;
    if (point && !(id !== undefined && id > 0)) p.add("deliveryAddress.pickupAddress.id", "нужен номер пункта выдачи");
    return;
  }
  const inCity = p.block(address, "deliveryAddress.", "inCityAddress", true);
  if (type === "string" || type === "zip") p.required(address, "deliveryAddress.", "city");
  if (type === "id") {
    for (const f of ["region", "city"])
      if (int(address[f]) === undefined) p.add(`deliveryAddress.${f}`, "для типа id нужен числовой код");
  }
  if (!inCity) return;
  p.required(inCity, "deliveryAddress.inCityAddress.", "address");
  const zip = text(inCity.zipcode) || text(address.zipcode);
  if (type === "zip" && !zip) p.add("deliveryAddress.inCityAddress.zipcode", "для типа zip нужен почтовый индекс");
  if (zip && !/^\d{6}$/.test(zip))
    p.add("deliveryAddress.inCityAddress.zipcode", `индекс из шести цифр, а не «${zip}»`);
}

function checkClient(p: Problems, order: XmlRecord) {
  const client = p.block(order, "", "clientInfo", true);
  if (!client) return;
  p.required(client, "clientInfo.", "fio");
  const phone = p.required(client, "clientInfo.", "phone");
  if (phone) {
    const digits = phone.replace(/[\s()+-]/g, "");
    const ok = /^\d+$/.test(digits) && (digits.length === 10 || (digits.length === 11 && /^[78]/.test(digits)));
    if (!ok) p.add("clientInfo.phone", `нужен российский номер из 10–11 цифр, а не «${phone}»`);
  }
  const email = text(client.email);
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) p.add("clientInfo.email", `некорректный адрес «${email}»`);
}

function checkItems(p: Problems, order: XmlRecord) {
  const items = list(order.items);
  if (!items.length) return p.add("items", "нужна хотя бы одна позиция");
  items.forEach((item, i) => {
    const path = `items[${i + 1}].`;
    if (!isRecord(item)) return p.add(`items[${i + 1}]`, "нужен блок позиции с вложенными полями");
    p.required(item, path, "name");
    const count = int(item.count);
    if (!(count !== undefined && count > 0)) p.add(`${path}count`, "нужно количество: целое число больше нуля");
    if (item.push !== undefined && item.push !== "") {
      const push = int(item.push);
      if (push === undefined || (count !== undefined && push > count))
        p.add(`${path}push`, "нужно целое число от 0 до количества позиции");
    }
    p.money(item, path, "declaredPrice", true);
    p.money(item, path, "clientPrice", true);
    p.grams(item, path, "weight", false, false);
    const vat = p.required(item, path, "vat");
    if (vat && !VAT_RATES.includes(vat))
      p.add(`${path}vat`, `ставка НДС одна из ${VAT_RATES.join(", ")}, а не «${vat}»`);
  });
}
