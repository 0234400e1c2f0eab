import { type CdekCity, type CdekDeliveryPoint, findCityByCode, findCityByName, findDeliveryPoint } from "./reference";

/**
 * The two halves of CDEK's order checks (cdek-v2.md §2.3, §3): structural ones answer HTTP 400 at once, the rest
 * turn an ACCEPTED create into INVALID later. Codes are CDEK's where the notes name one; the few the notes leave
 * open (package count, phone format, unknown office) use the stand-in's own names, listed in `STAND_IN_CODES`.
 */

export interface CdekErrorItem {
  code: string;
  message: string;
}

export type JsonObject = Record<string, unknown>;

/**
 * A 400 in one of CDEK's two shapes: problems with the top-level keys (`tariff_code`, `packages`, a body that is no
 * JSON object) come as `{errors}`, problems inside the parties, addresses and items as `{requests:[INVALID]}`.
 */
export interface StructuralFailure {
  shape: "errors" | "requests";
  errors: CdekErrorItem[];
}

export const STAND_IN_CODES = {
  packageCount: "error_validate_package_count",
  phoneFormat: "v2_invalid_format",
  unknownDeliveryPoint: "delivery_location_is_not_recognized",
  unknownShipmentPoint: "shipment_location_is_not_recognized",
} as const;

const POSTAMAT_MAX_WEIGHT_G = 15_000;
const MAX_PACKAGES = 255;
const MAX_DISTINCT_ITEMS = 126;
const MAX_TOTAL_UNITS = 999_999;
const INTERNATIONAL_PHONE = /^\+\d{8,15}$/;

export function isObject(x: unknown): x is JsonObject {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function finite(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}

function text(x: unknown): string | undefined {
  return typeof x === "string" && x.trim() !== "" ? x : undefined;
}

function objects(x: unknown): JsonObject[] {
  return Array.isArray(x) ? x.filter(isObject) : [];
}

const empty = (field: string): CdekErrorItem => ({
  code: "v2_field_is_empty",
  message: `Не передано обязательное поле [${field}]`,
});

export function checkOrderStructure(body: unknown): StructuralFailure | null {
  if (!isObject(body))
    return { shape: "errors", errors: [{ code: "v2_bad_request", message: "Тело запроса должно быть объектом JSON" }] };
  const top: CdekErrorItem[] = [];
  if (body.tariff_code === undefined || body.tariff_code === null) top.push(empty("tariff_code"));
  else if (!Number.isInteger(body.tariff_code))
    top.push({ code: "v2_invalid_value_type", message: "Поле [tariff_code] должно быть целым числом" });
  if (body.packages === undefined || body.packages === null) top.push(empty("packages"));
  else if (!Array.isArray(body.packages))
    top.push({ code: "v2_invalid_value_type", message: "Поле [packages] должно быть массивом" });
  if (body.type !== undefined && body.type !== 1 && body.type !== 2)
    top.push({ code: "v2_invalid_format", message: "Поле [type] может быть 1 (интернет-магазин) или 2 (доставка)" });
  if (top.length) return { shape: "errors", errors: top };

  const inner: CdekErrorItem[] = [];
  if (!isObject(body.recipient)) inner.push(empty("recipient"));
  else if (!text(body.recipient.name)) inner.push(empty("recipient.name"));
  if (body.delivery_point !== undefined && body.to_location !== undefined)
    inner.push({
      code: "v2_delivery_address_multivalued",
      message: "Одновременно переданы ПВЗ получателя и адрес получателя. Необходимо указать 1 параметр",
    });
  else if (body.delivery_point === undefined && body.to_location === undefined)
    inner.push({
      code: "v2_order_location_to_and_delivery_point_empty",
      message: "Адрес получателя и ПВЗ получателя пустые",
    });
  else if (body.to_location !== undefined && !(isObject(body.to_location) && text(body.to_location.address)))
    inner.push(empty("to_location.address"));
  if (body.shipment_point !== undefined && body.from_location !== undefined)
    inner.push({
      code: "v2_shipment_address_multivalued",
      message: "Одновременно переданы ПВЗ отправителя и адрес отправителя. Необходимо указать 1 параметр",
    });
  else if (body.shipment_point === undefined && body.from_location === undefined)
    inner.push({
      code: "v2_order_location_from_and_shipment_point_empty",
      message: "Адрес отправителя и ПВЗ отправителя пустые",
    });
  const onlineShop = body.type === undefined || body.type === 1;
  (body.packages as unknown[]).forEach((p, i) => {
    if (!isObject(p)) inner.push(empty(`packages[${i}]`));
    else if (onlineShop && !Array.isArray(p.items)) inner.push(empty(`packages[${i}].items`));
    else
      objects(p.items).forEach((item, j) => {
        if (!text(item.name)) inner.push(empty(`packages[${i}].items[${j}].name`));
        if (!text(item.ware_key)) inner.push(empty(`packages[${i}].items[${j}].ware_key`));
      });
  });
  return inner.length ? { shape: "requests", errors: inner } : null;
}

export interface Destination {
  city?: CdekCity;
  point?: CdekDeliveryPoint;
}

/** Where the order goes: the office's city for `delivery_point`, else `to_location` by code or by name. */
export function destinationOf(order: JsonObject): Destination {
  const pointCode = text(order.delivery_point);
  if (pointCode) {
    const point = findDeliveryPoint(pointCode);
    return { point, city: point && findCityByCode(point.cityCode) };
  }
  return { city: locationCity(order.to_location) };
}

/** The sender's city: the drop-off office's city or `from_location`. */
export function originOf(order: JsonObject): CdekCity | undefined {
  const pointCode = text(order.shipment_point);
  if (pointCode) {
    const point = findDeliveryPoint(pointCode);
    return point && findCityByCode(point.cityCode);
  }
  return locationCity(order.from_location);
}

function locationCity(location: unknown): CdekCity | undefined {
  if (!isObject(location)) return undefined;
  const code = finite(location.code);
  if (code !== undefined) return findCityByCode(code);
  const name = text(location.city);
  return name ? findCityByName(name) : undefined;
}

/** COD the recipient pays: every item's per-unit `payment.value` × `amount`, plus `delivery_recipient_cost`. */
export function codSum(order: JsonObject): number {
  let sum = finite(isObject(order.delivery_recipient_cost) ? order.delivery_recipient_cost.value : undefined) ?? 0;
  for (const p of objects(order.packages))
    for (const item of objects(p.items))
      sum += (finite(isObject(item.payment) ? item.payment.value : undefined) ?? 0) * (finite(item.amount) ?? 0);
  return Math.round(sum * 100) / 100;
}

export interface VerdictContext {
  /** True when another active order of the same account already holds this shop number. */
  numberTaken(number: string): boolean;
}

/** The checks CDEK runs after ACCEPTED: an empty list means SUCCESSFUL. */
export function findOrderErrors(order: JsonObject, ctx: VerdictContext): CdekErrorItem[] {
  const errors: CdekErrorItem[] = [];
  const number = text(order.number);
  if (number && ctx.numberTaken(number))
    errors.push({
      code: "error_validate_im_dep_number_has_already_had_integration",
      message: `Номер заказа в ИС «${number}» уже использован в другом активном заказе`,
    });

  const pointCode = text(order.delivery_point);
  const { city, point } = destinationOf(order);
  if (pointCode && !point)
    errors.push({
      code: STAND_IN_CODES.unknownDeliveryPoint,
      message: `Передан некорректный код ПВЗ получателя «${pointCode}»`,
    });
  const shipmentCode = text(order.shipment_point);
  if (shipmentCode && findDeliveryPoint(shipmentCode)?.type !== "PVZ")
    errors.push({
      code: STAND_IN_CODES.unknownShipmentPoint,
      message: `Передан некорректный код ПВЗ отправителя «${shipmentCode}»`,
    });
  const postamat = point?.type === "POSTAMAT";

  errors.push(...phoneErrors(order), ...packageErrors(objects(order.packages), postamat));
  errors.push(...itemErrors(order));

  const cod = codSum(order);
  if (city && cod > city.payment_limit)
    errors.push({
      code: "error_validate_method_of_payment_receiver_city_limit_payment_exceeded",
      message: `Сумма наложенного платежа ${cod} превышает лимит ${city.payment_limit} для города ${city.city}`,
    });
  return errors;
}

function phoneErrors(order: JsonObject): CdekErrorItem[] {
  const errors: CdekErrorItem[] = [];
  const recipient = isObject(order.recipient) ? order.recipient : {};
  const recipientPhones = objects(recipient.phones);
  if (!recipientPhones.length) errors.push(empty("recipient.phones"));
  const parties: [string, JsonObject[]][] = [
    ["получателя", recipientPhones],
    ["отправителя", objects(isObject(order.sender) ? order.sender.phones : undefined)],
  ];
  for (const [whose, phones] of parties)
    for (const phone of phones) {
      const value = typeof phone.number === "string" ? phone.number : "";
      if (!INTERNATIONAL_PHONE.test(value))
        errors.push({
          code: STAND_IN_CODES.phoneFormat,
          message: `Телефон ${whose} «${value}» должен быть в международном формате: «+» и от 8 до 15 цифр`,
        });
    }
  return errors;
}

function packageErrors(packages: JsonObject[], postamat: boolean): CdekErrorItem[] {
  const errors: CdekErrorItem[] = [];
  if (packages.length === 0 || packages.length > MAX_PACKAGES)
    errors.push({
      code: STAND_IN_CODES.packageCount,
      message: `Количество мест в заказе должно быть от 1 до ${MAX_PACKAGES}, передано ${packages.length}`,
    });
  if (postamat && packages.length > 1)
    errors.push({
      code: "error_validate_postamat_package_count",
      message: 'В заказе с режимом "До постамата" количество мест не может быть больше 1',
    });
  const seen = new Set<string>();
  packages.forEach((p, i) => {
    const label = text(p.number) ?? String(i + 1);
    if (!text(p.number)) errors.push(empty(`packages[${i}].number`));
    else if (seen.has(label))
      errors.push({
        code: "error_validate_package_number_not_unique",
        message: `Номер места «${label}» повторяется в заказе`,
      });
    seen.add(label);
    const weight = finite(p.weight);
    if (weight === undefined || weight <= 0) errors.push(empty(`packages[${i}].weight`));
    if (postamat && weight !== undefined && weight > POSTAMAT_MAX_WEIGHT_G)
      errors.push({
        code: "error_validate_postamat_package_weight",
        message: `Вес места «${label}» (${weight} г) больше 15 кг — предельного для постамата`,
      });
    const sides = [p.length, p.width, p.height];
    const needsSides = postamat || (weight ?? 0) >= 100 || sides.some((s) => s !== undefined && s !== null);
    if (needsSides && sides.some((s) => !((finite(s) ?? 0) > 0)))
      errors.push({
        code: "error_validate_package_one_of_size_is_zero",
        message: `У места «${label}» одна из сторон (длина, ширина, высота) не передана или равна нулю`,
      });
  });
  return errors;
}

function itemErrors(order: JsonObject): CdekErrorItem[] {
  const errors: CdekErrorItem[] = [];
  const items = objects(order.packages).flatMap((p) => objects(p.items));
  if (items.length > MAX_DISTINCT_ITEMS)
    errors.push({
      code: "v2_number_items_is_more_126",
      message: `Позиций товаров в заказе ${items.length}, допускается не более ${MAX_DISTINCT_ITEMS}`,
    });
  let units = 0;
  for (const item of items) {
    const amount = finite(item.amount);
    const name = typeof item.name === "string" ? item.name : "";
    if (amount === undefined || !Number.isInteger(amount) || amount < 1 || amount > 999)
      errors.push({
        code: "error_validate_package_im_wrong_amount",
        message: `Количество товара «${name}» должно быть целым числом от 1 до 999`,
      });
    else if (item.marking !== undefined && amount !== 1)
      errors.push({
        code: "v2_order_item_amount_incorrect",
        message: `Товар «${name}» с маркировкой должен иметь количество 1`,
      });
    units += amount ?? 0;
    const payment = finite(isObject(item.payment) ? item.payment.value : undefined) ?? 0;
    if (order.type === 2 && payment > 0)
      errors.push({
        code: "error_validate_good_payment_not_suite",
        message: `Наложенный платёж за товар «${name}» недопустим в заказе типа «доставка»`,
      });
  }
  if (units > MAX_TOTAL_UNITS)
    errors.push({
      code: "error_validate_package_im_wrong_amount",
      message: `Общее количество единиц товара ${units} больше ${MAX_TOTAL_UNITS}`,
    });
  return errors;
}
