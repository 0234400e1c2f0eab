import { guardProbe, httpRequest, snippet, UnreachableError } from "../http";
import type { ProbeOptions, ProbeResult } from "../types";
import { buildStatusRequest, MeasoftProtocolError, MeasoftRequestError, parseStatusResponse, type MeasoftAuth } from "./mappers";
import type { MeasoftSettings } from "./settings";

/** The only MeaSoft code that touches the network: POST one XML document, get one back. */
export async function postXml(url: string, body: string, timeoutMs: number): Promise<string> {
  const res = await httpRequest(url, { headers: { "content-type": "text/xml; charset=utf-8", accept: "text/xml, application/xml" }, body, timeoutMs });
  // MeaSoft answers API errors with HTTP 200; any other status is a transport problem or a wrong URL.
  if (res.status >= 500) throw new UnreachableError(`Сервер ${new URL(url).host} ответил ошибкой HTTP ${res.status}`);
  if (res.status !== 200) throw new MeasoftProtocolError(`HTTP ${res.status}${res.text ? `: ${snippet(res.text)}` : ""}`);
  return res.text;
}

export function measoftEndpoint(settings: MeasoftSettings, options: Pick<ProbeOptions, "selfApiUrl">): string {
  return settings.apiUrl || options.selfApiUrl;
}

export function measoftAuth(settings: MeasoftSettings): MeasoftAuth {
  return { extra: settings.extra, login: settings.login, pass: settings.password };
}

// Looked up by an order number nobody uses: an authenticated read that creates nothing and moves no change-feed cursor.
export const PROBE_ORDER_NUMBER = "KH-PROBE-0000000000";

export function probeMeasoft(settings: MeasoftSettings, options: ProbeOptions): Promise<ProbeResult> {
  return guardProbe(async () => {
    const url = measoftEndpoint(settings, options);
    try {
      const xml = await postXml(url, buildStatusRequest(measoftAuth(settings), { orderno: PROBE_ORDER_NUMBER }), options.timeoutMs);
      parseStatusResponse(xml);
      return { status: "ok", message: `Подключение установлено: ${new URL(url).host} принял логин «${settings.login}» (код службы ${settings.extra})` };
    } catch (e) {
      if (e instanceof MeasoftRequestError) return { status: "error", message: `Партнёр ответил: ${e.partnerMessage} (код ${e.code})` };
      if (e instanceof MeasoftProtocolError) return { status: "error", message: `По адресу ${url} не отвечает MeaSoft API: ${e.message}` };
      throw e;
    }
  });
}
