import { describe, expect, it } from "vitest";
import { httpStatusText, partnerMessage } from "../messages";

const NGINX_502 = `<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n`;
const APACHE_503 = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>
<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>
<p>The server is temporarily unable to service your request.</p>\n</body></html>`;
const LOGIN_FORM = `<!doctype html><html><head><title>Вход</title><script>var token="SECRET"</script></head>
<body><form><input name="password"></form></body></html>`;

describe("partnerMessage", () => {
  it("turns a proxy's error page into one Russian sentence with the HTTP status", () => {
    expect(partnerMessage(NGINX_502)).toBe(
      "Партнёр прислал страницу ошибки вместо ответа API: HTTP 502 — шлюз партнёра не получил ответа от его сервера",
    );
    expect(partnerMessage(APACHE_503)).toBe(
      "Партнёр прислал страницу ошибки вместо ответа API: HTTP 503 — сервис партнёра временно недоступен",
    );
  });

  it("prefers the status the caller knows, and says so plainly for a page without one", () => {
    expect(partnerMessage(LOGIN_FORM, { status: 401 })).toBe(
      "Партнёр прислал страницу ошибки вместо ответа API: HTTP 401 — нужна авторизация",
    );
    expect(partnerMessage(LOGIN_FORM)).toBe("Партнёр прислал веб-страницу вместо ответа API");
  });

  it("never lets markup, scripts or control characters through", () => {
    for (const page of [NGINX_502, APACHE_503, LOGIN_FORM]) {
      const bare = page.replace(/<html>|<!doctype[^>]*>/gi, "");
      for (const text of [page, `Ошибка: ${page}`, `Партнёр ответил: ${bare}`]) {
        const m = partnerMessage(text);
        expect(m).not.toMatch(/<|>|SECRET|\r|\n/);
        expect(m.length).toBeLessThanOrEqual(501);
      }
    }
    expect(partnerMessage("Адрес <b>не найден</b><br>попробуйте\u0007 снова<script>alert(1)</script>")).toBe(
      "Адрес не найден попробуйте снова",
    );
  });

  it("keeps other text as it is, protocol element names included, and cuts long text", () => {
    const own = "Партнёр ответил: в <neworder> нет заказов (код 3)";
    expect(partnerMessage(own)).toBe(own);
    const transport = "Сервер example.ru ответил ошибкой HTTP 502";
    expect(partnerMessage(transport)).toBe(transport);
    expect(partnerMessage("я".repeat(600))).toBe(`${"я".repeat(500)}…`);
    expect(partnerMessage(null)).toBe("");
  });
});

describe("httpStatusText", () => {
  it("names common statuses in Russian and shows the rest as a bare number", () => {
    expect(httpStatusText(504)).toBe("HTTP 504 — шлюз партнёра не дождался ответа его сервера");
    expect(httpStatusText(418)).toBe("HTTP 418");
  });
});
