// Pure (no node:*): the cabinet may show these messages as they are stored, and the browser may use them too.

const HTML_PAGE = /<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<title[\s>]/i;

/** «502 Bad Gateway» in an error page's <title> or <h1>, as nginx, Apache and most proxies write it. */
function pageStatus(html: string): number | undefined {
  for (const tag of ["title", "h1"]) {
    const m = new RegExp(`<${tag}[^>]*>\\s*(?:error\\s*)?([1-5]\\d\\d)\\b`, "i").exec(html);
    if (m) return Number(m[1]);
  }
  return undefined;
}

const STATUS_REASONS: Record<number, string> = {
  400: "запрос отклонён",
  401: "нужна авторизация",
  403: "доступ запрещён",
  404: "адрес не найден",
  408: "сервер не дождался запроса",
  429: "слишком много запросов",
  500: "внутренняя ошибка сервера",
  502: "шлюз партнёра не получил ответа от его сервера",
  503: "сервис партнёра временно недоступен",
  504: "шлюз партнёра не дождался ответа его сервера",
};

/** «HTTP 502 — шлюз партнёра не получил ответа от его сервера»: a status a person can act on. */
export function httpStatusText(status: number): string {
  const reason = STATUS_REASONS[status];
  return reason ? `HTTP ${status} — ${reason}` : `HTTP ${status}`;
}

/**
 * A partner's own refusal text from a protocol field (MeaSoft errormsg, OAuth error_description, SOAP fault), made
 * safe to show: no markup, no control characters, short. Bodies themselves are never shown.
 */
export function partnerText(text: string, max = 100) {
  const flat = text
    .replace(/<[^>]*>?/g, " ")
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || "без пояснения";
}

// HTML elements only: a partner's protocol text may name its own elements in brackets («<neworder>») and keep them.
const HTML_ELEMENTS =
  "a|b|i|u|p|br|hr|em|strong|span|div|font|center|pre|code|h[1-6]|ul|ol|li|table|thead|tbody|tr|td|th|img|" +
  "small|sup|sub|title|head|body|html|meta|link";
const HTML_TAG = new RegExp(`<\\/?(?:${HTML_ELEMENTS})\\b[^>]*>`, "gi");
const HIDDEN_CONTENT = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

/**
 * Any exchange message about a partner, made fit for the cabinet before it is stored or shown (health, last error,
 * the order card's exchange log, a status comment). A whole HTML page — a proxy's 502, a login form — becomes one
 * short Russian sentence with its HTTP status; other text loses HTML markup and control characters and is cut to
 * `max` characters. `status` is the HTTP status when the caller knows it; otherwise it is read from the page.
 */
export function partnerMessage(text: string | null | undefined, opts: { status?: number; max?: number } = {}): string {
  const raw = text ?? "";
  if (HTML_PAGE.test(raw)) {
    const status = opts.status ?? pageStatus(raw);
    return status
      ? `Партнёр прислал страницу ошибки вместо ответа API: ${httpStatusText(status)}`
      : "Партнёр прислал веб-страницу вместо ответа API";
  }
  const flat = raw
    .replace(HIDDEN_CONTENT, " ")
    .replace(HTML_TAG, " ")
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const max = opts.max ?? 500;
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
