/**
 * The stand-in's built-in reference data: a handful of cities, CDEK offices and the status table (cdek-v2.md §6).
 * Real CDEK knows every town; the stand-in knows these, so tests and demos use them.
 */

export interface CdekCity {
  code: number;
  city: string;
  city_uuid: string;
  country_code: string;
  country: string;
  region: string;
  region_code: number;
  postal_code: string;
  longitude: number;
  latitude: number;
  time_zone: string;
  /** The most COD the city's offices take per order, in the country's currency. */
  payment_limit: number;
  currency: string;
}

const COUNTRIES: Record<string, { name: string; currency: string }> = {
  RU: { name: "Россия", currency: "RUB" },
  KZ: { name: "Казахстан", currency: "KZT" },
  BY: { name: "Беларусь", currency: "BYN" },
  AM: { name: "Армения", currency: "AMD" },
};

/**
 * Cities (code — name — country — COD limit):
 *   44 Москва RU 250 000 ₽ · 137 Санкт-Петербург RU 250 000 ₽ · 250 Екатеринбург RU 150 000 ₽ ·
 *   270 Новосибирск RU 50 000 ₽ (low on purpose, so tests can exceed it) · 4756 Алматы KZ 1 500 000 ₸ ·
 *   9220 Минск BY 10 000 Br · 7114 Ереван AM 1 000 000 ֏.
 */
export const CITIES: readonly CdekCity[] = [
  city(44, "Москва", "RU", "Москва", 81, "101000", 37.6176, 55.7558, "Europe/Moscow", 250_000),
  city(137, "Санкт-Петербург", "RU", "Санкт-Петербург", 82, "190000", 30.3141, 59.9386, "Europe/Moscow", 250_000),
  city(
    250,
    "Екатеринбург",
    "RU",
    "Свердловская область",
    49,
    "620000",
    60.6122,
    56.8519,
    "Asia/Yekaterinburg",
    150_000,
  ),
  city(270, "Новосибирск", "RU", "Новосибирская область", 23, "630000", 82.9346, 55.0415, "Asia/Novosibirsk", 50_000),
  city(4756, "Алматы", "KZ", "Алматы", 159, "050000", 76.8512, 43.222, "Asia/Almaty", 1_500_000),
  city(9220, "Минск", "BY", "Минск", 143, "220000", 27.5667, 53.9, "Europe/Minsk", 10_000),
  city(7114, "Ереван", "AM", "Ереван", 169, "0010", 44.5152, 40.1872, "Asia/Yerevan", 1_000_000),
];

function city(
  code: number,
  name: string,
  countryCode: string,
  region: string,
  regionCode: number,
  postalCode: string,
  longitude: number,
  latitude: number,
  timeZone: string,
  paymentLimit: number,
): CdekCity {
  const country = COUNTRIES[countryCode]!;
  return {
    code,
    city: name,
    city_uuid: `00000000-0000-4000-8000-${String(code).padStart(12, "0")}`,
    country_code: countryCode,
    country: country.name,
    region,
    region_code: regionCode,
    postal_code: postalCode,
    longitude,
    latitude,
    time_zone: timeZone,
    payment_limit: paymentLimit,
    currency: country.currency,
  };
}

export function findCityByName(name: string): CdekCity | undefined {
  const wanted = name.trim().toLocaleLowerCase("ru");
  return CITIES.find((c) => c.city.toLocaleLowerCase("ru") === wanted);
}

export function findCityByCode(code: number): CdekCity | undefined {
  return CITIES.find((c) => c.code === code);
}

export interface CdekDeliveryPoint {
  code: string;
  name: string;
  type: "PVZ" | "POSTAMAT";
  cityCode: number;
  address: string;
}

/**
 * Offices: PVZ MSK1, MSK2, SPB17, EKB3, NSK23, ALA1 (Алматы), MNS1 (Минск), EVN1 (Ереван);
 * postamats MSK-PST1, SPB-PST1, EKB-PST1, NSK-PST1 (one package of at most 15 kg, dimensions required).
 */
export const DELIVERY_POINTS: readonly CdekDeliveryPoint[] = [
  { code: "MSK1", name: "На Тверской", type: "PVZ", cityCode: 44, address: "ул. Тверская, 7" },
  { code: "MSK2", name: "На Динамовской", type: "PVZ", cityCode: 44, address: "ул. Динамовская, 1А" },
  { code: "MSK-PST1", name: "Постамат на Арбате", type: "POSTAMAT", cityCode: 44, address: "ул. Арбат, 24" },
  { code: "SPB17", name: "На Невском", type: "PVZ", cityCode: 137, address: "Невский пр., 100" },
  { code: "SPB-PST1", name: "Постамат на Лиговском", type: "POSTAMAT", cityCode: 137, address: "Лиговский пр., 30" },
  { code: "EKB3", name: "На Ленина", type: "PVZ", cityCode: 250, address: "пр. Ленина, 50" },
  { code: "EKB-PST1", name: "Постамат на Малышева", type: "POSTAMAT", cityCode: 250, address: "ул. Малышева, 5" },
  { code: "NSK23", name: "В Горском", type: "PVZ", cityCode: 270, address: "мкр Горский, 53" },
  { code: "NSK-PST1", name: "Постамат на Красном", type: "POSTAMAT", cityCode: 270, address: "Красный пр., 1" },
  { code: "ALA1", name: "На Абая", type: "PVZ", cityCode: 4756, address: "пр. Абая, 10" },
  { code: "MNS1", name: "На Немиге", type: "PVZ", cityCode: 9220, address: "ул. Немига, 3" },
  { code: "EVN1", name: "На Абовяна", type: "PVZ", cityCode: 7114, address: "ул. Абовяна, 12" },
];

export function findDeliveryPoint(code: string): CdekDeliveryPoint | undefined {
  return DELIVERY_POINTS.find((p) => p.code === code);
}

/** The office as `GET /v2/deliverypoints` shows it. */
export function renderDeliveryPoint(p: CdekDeliveryPoint) {
  const c = findCityByCode(p.cityCode)!;
  return {
    code: p.code,
    name: p.name,
    uuid: `00000000-0000-4000-9000-${Buffer.from(p.code).toString("hex").slice(0, 12).padStart(12, "0")}`,
    type: p.type,
    owner_code: "cdek",
    work_time: "Пн-Вс 09:00-21:00",
    is_handout: true,
    is_reception: p.type === "PVZ",
    weight_max: p.type === "POSTAMAT" ? 15 : 30,
    location: {
      country_code: c.country_code,
      region_code: c.region_code,
      region: c.region,
      city_code: c.code,
      city: c.city,
      city_uuid: c.city_uuid,
      postal_code: c.postal_code,
      longitude: c.longitude,
      latitude: c.latitude,
      address: p.address,
      address_full: `${c.country}, ${c.city}, ${p.address}`,
    },
  };
}

/** The city as `GET /v2/location/cities` shows it (the currency is ours, not a field of that answer). */
export function renderCity(c: CdekCity) {
  const { currency: _currency, ...shown } = c;
  return shown;
}

/** Status codes with their numeric codes and Russian names (cdek-v2.md §6). */
export const STATUSES = {
  ACCEPTED: { numeric: "0", name: "Принят" },
  CREATED: { numeric: "1", name: "Создан" },
  REMOVED: { numeric: "2", name: "Удален" },
  RECEIVED_AT_SHIPMENT_WAREHOUSE: { numeric: "3", name: "Принят на склад отправителя" },
  READY_FOR_SHIPMENT_IN_SENDER_CITY: { numeric: "6", name: "Выдан на отправку в г. отправителе" },
  TAKEN_BY_TRANSPORTER_FROM_SENDER_CITY: { numeric: "7", name: "Сдан перевозчику в г. отправителе" },
  SENT_TO_TRANSIT_CITY: { numeric: "21", name: "Отправлен в г. транзит" },
  ACCEPTED_IN_TRANSIT_CITY: { numeric: "22", name: "Встречен в г. транзите" },
  ACCEPTED_AT_TRANSIT_WAREHOUSE: { numeric: "13", name: "Принят на склад транзита" },
  READY_FOR_SHIPMENT_IN_TRANSIT_CITY: { numeric: "19", name: "Выдан на отправку в г. транзите" },
  TAKEN_BY_TRANSPORTER_FROM_TRANSIT_CITY: { numeric: "20", name: "Сдан перевозчику в г. транзите" },
  RETURNED_TO_TRANSIT_WAREHOUSE: { numeric: "17", name: "Возвращен на склад транзита" },
  SENT_TO_RECIPIENT_CITY: { numeric: "8", name: "Отправлен в г. получатель" },
  ACCEPTED_IN_RECIPIENT_CITY: { numeric: "9", name: "Встречен в г. получателе" },
  ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE: { numeric: "10", name: "Принят на склад доставки" },
  ACCEPTED_AT_PICK_UP_POINT: { numeric: "12", name: "Принят на склад до востребования" },
  TAKEN_BY_COURIER: { numeric: "11", name: "Выдан на доставку" },
  RETURNED_TO_RECIPIENT_CITY_WAREHOUSE: { numeric: "18", name: "Возвращен на склад доставки" },
  DELIVERED: { numeric: "4", name: "Вручен" },
  NOT_DELIVERED: { numeric: "5", name: "Не вручен" },
  RETURNED_TO_SENDER_CITY_WAREHOUSE: { numeric: "16", name: "Возвращен на склад отправителя" },
  SENT_TO_SENDER_CITY: { numeric: "27", name: "Отправлен в г. отправитель" },
  ACCEPTED_IN_SENDER_CITY: { numeric: "28", name: "Встречен в г. отправителе" },
  POSTOMAT_POSTED: { numeric: "1000", name: "Заложен в постамат" },
  POSTOMAT_SEIZED: { numeric: "1000", name: "Изъят из постамата курьером" },
  POSTOMAT_RECEIVED: { numeric: "1000", name: "Изъят из постамата клиентом" },
  INVALID: { numeric: "404", name: "Некорректный заказ" },
} as const;

export type CdekStatusCode = keyof typeof STATUSES;

export function isStatusCode(code: string): code is CdekStatusCode {
  return Object.hasOwn(STATUSES, code);
}

/** Statuses that happen in the sender's city: the control call stamps them with that city by default. */
export const SENDER_CITY_STATUSES: ReadonlySet<CdekStatusCode> = new Set([
  "ACCEPTED",
  "CREATED",
  "REMOVED",
  "RECEIVED_AT_SHIPMENT_WAREHOUSE",
  "READY_FOR_SHIPMENT_IN_SENDER_CITY",
  "TAKEN_BY_TRANSPORTER_FROM_SENDER_CITY",
  "RETURNED_TO_SENDER_CITY_WAREHOUSE",
  "ACCEPTED_IN_SENDER_CITY",
]);

/** After these an order no longer holds its shop number (cdek-v2.md §2.1 `number`). */
export const INACTIVE_STATUSES: ReadonlySet<CdekStatusCode> = new Set([
  "REMOVED",
  "DELIVERED",
  "NOT_DELIVERED",
  "INVALID",
]);

export const WEBHOOK_TYPES = [
  "ORDER_STATUS",
  "ORDER_MODIFIED",
  "PRINT_FORM",
  "RECEIPT",
  "DOWNLOAD_PHOTO",
  "PREALERT_CLOSED",
  "ACCOMPANYING_WAYBILL",
  "OFFICE_AVAILABILITY",
  "DELIV_PROBLEM",
  "DELIV_AGREEMENT",
  "COURIER_INFO",
] as const;

/** CDEK's datetime shape, `2025-03-01T09:00:00+0300`, always in Moscow time. */
export function cdekDateTime(at: Date = new Date()): string {
  const moscow = new Date(at.getTime() + 3 * 3600_000);
  return `${moscow.toISOString().slice(0, 19)}+0300`;
}
