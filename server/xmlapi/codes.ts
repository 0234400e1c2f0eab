/** Request-level codes (measoft-xml-api.md §6.2): the answer's root carries error/errormsg/errormsgru. */
export const REQUEST_ERRORS = {
  1: ["Invalid XML", "Некорректный XML"],
  11: ["Orders not found", "Заказы не найдены"],
  12: ["Bad date/time", "Некорректная дата или время"],
  13: ["Database error", "Ошибка базы данных"],
  14: ["Unknown function", "Неизвестная функция"],
  15: ["Tariff not found", "Тариф не найден"],
  18: ["Town from not given", "Не указан город отправления"],
  19: ["Town to not given", "Не указан город назначения"],
  20: ["Bad mass", "Некорректный вес"],
  21: ["Town from not found", "Город отправления не найден"],
  22: ["Town to not found", "Город назначения не найден"],
  23: ["Mass not given", "Не указан вес"],
  24: ["Login missing", "Не указан логин"],
  25: ["Authorization error", "Ошибка авторизации"],
  34: ["Bad number", "Некорректный номер"],
  // This server's own: more <order> elements than one request may carry (docs/xml-api.md).
  40: ["Too many orders in one request", "Слишком много заказов в одном запросе"],
} as const;
export type RequestErrorCode = keyof typeof REQUEST_ERRORS;

/**
 * Per-order codes in neworder/editorder (§6.1) plus this server's own: 52 not found (cancelorder's code, also used
 * by editorder and setorderinfo), 53 order already in work, 99 other invalid data (no MeaSoft code fits).
 */
export const ORDER_ERRORS = {
  0: ["Success", "Успешно"],
  1: ["Authorization error", "Ошибка авторизации"],
  2: ["Empty request", "Пустой запрос"],
  3: ["Bad order amount", "Некорректная сумма заказа"],
  4: ["Bad weight", "Некорректный вес"],
  5: ["Receiver town not found", "Город получателя не найден"],
  6: ["Sender town not found", "Город отправителя не найден"],
  7: ["Receiver address empty", "Не указан адрес получателя"],
  8: ["Receiver phone empty", "Не указан телефон получателя"],
  9: ["Receiver contact empty", "Не указано контактное лицо получателя"],
  10: ["Receiver company empty", "Не указана компания получателя"],
  11: ["Bad declared value", "Некорректная объявленная ценность"],
  12: ["Article not found", "Артикул не найден"],
  13: ["Sender company empty", "Не указана компания отправителя"],
  14: ["Sender contact empty", "Не указано контактное лицо отправителя"],
  15: ["Sender phone empty", "Не указан телефон отправителя"],
  16: ["Sender address empty", "Не указан адрес отправителя"],
  17: ["Order with this number already exists", "Заказ с таким номером уже существует"],
  52: ["Order not found", "Заказ не найден"],
  53: ["Order is in process and cannot be changed", "Заказ уже в работе и не может быть изменён"],
  99: ["Invalid data", "Некорректные данные"],
} as const;
export type OrderErrorCode = keyof typeof ORDER_ERRORS;

/** Field path (as the order schema reports it) → MeaSoft per-order code; the lowest code among the failures wins. */
const FIELD_CODES: [RegExp, OrderErrorCode][] = [
  [/^codAmount$/, 3],
  [/^weight$/, 4],
  [/^receiver\.town$/, 5],
  [/^sender\.town$/, 6],
  [/^receiver\.address$/, 7],
  [/^receiver\.phone$/, 8],
  [/^receiver\.person$/, 9],
  [/^receiver\.company$/, 10],
  [/^declaredValue$/, 11],
  [/^sender\.company$/, 13],
  [/^sender\.person$/, 14],
  [/^sender\.phone$/, 15],
  [/^sender\.address$/, 16],
];

export function codeForFieldErrors(fieldErrors: Record<string, string[]>): { code: OrderErrorCode; message: string } {
  let best: { code: OrderErrorCode; message: string } | undefined;
  for (const [path, messages] of Object.entries(fieldErrors)) {
    const code = FIELD_CODES.find(([re]) => re.test(path))?.[1] ?? 99;
    const message = `${path}: ${messages[0] ?? ""}`;
    if (!best || code < best.code) best = { code, message };
  }
  return best ?? { code: 99, message: "" };
}
