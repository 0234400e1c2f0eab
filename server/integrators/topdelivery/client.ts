import { basicAuth, guardProbe, httpRequest, partnerText } from "../http";
import type { ProbeOptions, ProbeResult } from "../types";
import { buildGetCitiesRegions, parseSoapAnswer, topDeliveryGateUrl } from "./mappers";
import type { TopDeliverySettings } from "./settings";

// Moscow: a small reference answer. The call reads a directory, so it creates and charges nothing.
const PROBE_REGION_ID = 77;

export function probeTopDelivery(settings: TopDeliverySettings, options: ProbeOptions): Promise<ProbeResult> {
  return guardProbe(async () => {
    const url = topDeliveryGateUrl(settings);
    const res = await httpRequest(url, {
      headers: {
        "content-type": "text/xml; charset=utf-8",
        soapaction: '"getCitiesRegions"',
        authorization: basicAuth(settings.gateLogin, settings.gatePassword),
      },
      body: buildGetCitiesRegions({ login: settings.login, password: settings.password }, PROBE_REGION_ID),
      timeoutMs: options.timeoutMs,
    });
    if (res.status === 401 || res.status === 403) {
      return { status: "error", message: `Шлюз TopDelivery отклонил логин или пароль шлюза (HTTP ${res.status})` };
    }
    const answer = parseSoapAnswer(res.text, "getCitiesRegions");
    const host = new URL(url).host;
    switch (answer.kind) {
      case "ok":
        return { status: "ok", message: `Подключение установлено: ${host} принял логин магазина «${settings.login}»` };
      case "refused":
        return {
          status: "error",
          message: `TopDelivery ответил: ${partnerText(answer.message)} (статус ${partnerText(answer.status, 20)})`,
        };
      case "fault":
        return { status: "error", message: `TopDelivery ответил ошибкой SOAP: ${partnerText(answer.message)}` };
      case "not-soap":
        if (res.status >= 500)
          return { status: "unreachable", message: `Сервер ${host} ответил ошибкой HTTP ${res.status}` };
        return { status: "error", message: `По адресу ${url} не отвечает SOAP-шлюз TopDelivery (HTTP ${res.status})` };
    }
  });
}
