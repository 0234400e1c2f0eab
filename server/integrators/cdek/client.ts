import { guardProbe, httpRequest, partnerText } from "../http";
import type { ProbeOptions, ProbeResult } from "../types";
import { buildTokenRequest, cdekBaseUrl, parseTokenResponse } from "./mappers";
import type { CdekSettings } from "./settings";

/** The OAuth token call: proves Account + Secure password without creating anything at CDEK. */
export function probeCdek(settings: CdekSettings, options: ProbeOptions): Promise<ProbeResult> {
  return guardProbe(async () => {
    const url = `${cdekBaseUrl(settings)}/v2/oauth/token`;
    const res = await httpRequest(url, {
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: buildTokenRequest(settings.account, settings.securePassword),
      timeoutMs: options.timeoutMs,
    });
    const answer = parseTokenResponse(res.status, res.text);
    const where = settings.testMode ? "учебный стенд СДЭК" : "СДЭК";
    if (answer.ok === true) {
      const ttl = answer.expiresIn ? `, токен действует ${Math.round(answer.expiresIn / 60)} мин` : "";
      return {
        status: "ok",
        message: `Подключение установлено: ${where} принял ключи Account «${settings.account}»${ttl}`,
      };
    }
    if (answer.ok === false) {
      const code = partnerText(answer.error, 40);
      const why = answer.description ? `${partnerText(answer.description)} (${code})` : code;
      return { status: "error", message: `СДЭК отклонил ключи: ${why}` };
    }
    if (res.status >= 500)
      return { status: "unreachable", message: `Сервер ${new URL(url).host} ответил ошибкой HTTP ${res.status}` };
    return { status: "error", message: `Неожиданный ответ СДЭК (${answer.detail})` };
  });
}
