import { getDb } from "@/db/client";
import { escapeXml as esc } from "@/server/integrators/xml";
import { clientIp } from "@/server/services/security/client-ip";
import { trackingRateLimited, trackOrder, TRACKING_LIMIT, type TrackedOrder } from "@/server/services/tracking";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const moscow = (d: Date, withTime = true) =>
  d.toLocaleString("ru-RU", {
    timeZone: "Europe/Moscow",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    ...(withTime ? { hour: "2-digit", minute: "2-digit" } : {}),
  });

function page(title: string, body: string, status: number, headers: Record<string, string> = {}) {
  const html = `<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${esc(title)}</title><link rel="stylesheet" href="/track.css"></head><body><main>${body}</main></body></html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function orderPage(o: TrackedOrder) {
  const history = [...o.history]
    .reverse()
    .map((h) => `<li><span>${esc(h.title)}</span><time>${esc(moscow(h.at))}</time></li>`)
    .join("");
  const meta = [
    o.town ? `Город доставки: ${esc(o.town)}` : "",
    o.deliveryDate ? `Дата доставки: ${esc(moscow(new Date(`${o.deliveryDate}T12:00:00+03:00`), false))}` : "",
  ]
    .filter(Boolean)
    .map((m) => `<div class="meta">${m}</div>`)
    .join("");
  return page(
    `Заказ ${o.number} — отслеживание`,
    `<header>${esc(o.companyName)}</header><h1>Заказ ${esc(o.number)}</h1>
<section class="status"><div class="now">${esc(o.statusTitle)}</div><div class="when">с ${esc(moscow(o.statusAt))}</div>${meta}</section>
${history ? `<ol>${history}</ol>` : ""}
<p class="note">Время московское. Подробности — у отправителя заказа или в службе доставки.</p>`,
    200,
  );
}

/**
 * The public tracking page `/t/<courier code>/<number or barcode>`: no sign-in, minimal data (status, its dates, the
 * destination town — never names, phones or addresses), rate-limited per network (429). Plain HTML, no scripts.
 */
export async function GET(req: Request, { params }: { params: Promise<{ code: string; number: string }> }) {
  const { code, number } = await params;
  const db = getDb();
  if (await trackingRateLimited(db, clientIp(req.headers))) {
    return page("Слишком много запросов", `<h1>Слишком много запросов</h1><p>Повторите через минуту.</p>`, 429, {
      "retry-after": String(TRACKING_LIMIT.windowSeconds),
    });
  }
  const order = /^\d{1,10}$/.test(code) ? await trackOrder(db, Number(code), number) : null;
  if (!order) {
    return page(
      "Заказ не найден",
      `<h1>Заказ не найден</h1><p>Проверьте номер заказа и код службы доставки в ссылке.</p>`,
      404,
    );
  }
  return orderPage(order);
}
