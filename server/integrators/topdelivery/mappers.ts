import { child, childText, el, parseXmlRoot, textEl, type XmlNode } from "../xml";

/**
 * Pure SOAP envelopes and answers for the TopDelivery web-shop gate w/2.0 (topdelivery.md). The WSDL's target namespace
 * is not in our sources; the value below is the gate's own path, as document/literal gates commonly use (unconfirmed).
 */
export const TOPDELIVERY_NS = "http://is.topdelivery.ru/api/soap/w/2.0/";
export const TOPDELIVERY_PRODUCTION_GATE = "https://is.topdelivery.ru/api/soap/w/2.0/";
export const TOPDELIVERY_TEST_GATE = "https://is-test.topdelivery.ru/api/soap/w/2.0/";

export function topDeliveryGateUrl(settings: { testMode: boolean; gateUrl?: string }): string {
  return settings.gateUrl || (settings.testMode ? TOPDELIVERY_TEST_GATE : TOPDELIVERY_PRODUCTION_GATE);
}

export interface TopDeliveryAuth {
  login: string;
  password: string;
}

/** One SOAP call: `<ns:method><method><auth/>…params</method></ns:method>`, the shape PHP SoapClient sends. */
export function buildSoapCall(method: string, auth: TopDeliveryAuth, params: string[] = []): string {
  const inner = el(
    method,
    {},
    el("auth", {}, textEl("login", auth.login), textEl("password", auth.password)),
    ...params,
  );
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el(
      "SOAP-ENV:Envelope",
      { "xmlns:SOAP-ENV": "http://schemas.xmlsoap.org/soap/envelope/", "xmlns:ns1": TOPDELIVERY_NS },
      el("SOAP-ENV:Body", {}, el(`ns1:${method}`, {}, inner)),
    )
  );
}

/** Read-only reference call used as the connection probe. */
export function buildGetCitiesRegions(auth: TopDeliveryAuth, regionId: number): string {
  return buildSoapCall("getCitiesRegions", auth, [textEl("regionId", regionId)!]);
}

export type SoapAnswer =
  | { kind: "ok"; result: XmlNode }
  | { kind: "fault"; message: string }
  /** `requestResult.status` ≠ 0, or the method's own `status` ≠ 0. */
  | { kind: "refused"; status: string; message: string }
  | { kind: "not-soap" };

const localName = (key: string) => key.slice(key.indexOf(":") + 1);

function findLocal(node: unknown, name: string): unknown {
  if (typeof node !== "object" || node === null) return undefined;
  for (const [k, v] of Object.entries(node as XmlNode)) if (localName(k) === name) return v;
  return undefined;
}

/** Finds `requestResult` at any depth below the body (gates wrap it in `<ns:methodResponse>` and sometimes a `return`). */
function findDeep(node: unknown, name: string, depth = 0): unknown {
  if (depth > 6 || typeof node !== "object" || node === null) return undefined;
  const direct = findLocal(node, name);
  if (direct !== undefined) return direct;
  for (const [k, v] of Object.entries(node as XmlNode)) {
    if (k.startsWith("@") || k === "#text") continue;
    const found = findDeep(Array.isArray(v) ? v[0] : v, name, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function parseSoapAnswer(xml: string, method: string): SoapAnswer {
  const root = parseXmlRoot(xml);
  if (!root || localName(root.name) !== "Envelope") return { kind: "not-soap" };
  const body = findLocal(root.node, "Body");
  const fault = findLocal(body, "Fault");
  if (fault !== undefined) {
    const message =
      childText(fault, "faultstring") ?? (findLocal(fault, "faultstring") as string | undefined) ?? "SOAP Fault";
    return { kind: "fault", message: String(message) };
  }
  const response = findLocal(body, `${method}Response`) ?? body;
  const requestResult = findDeep(response, "requestResult");
  if (requestResult === undefined) return { kind: "not-soap" };
  const status = String(childText(requestResult, "status") ?? findLocal(requestResult, "status") ?? "");
  if (status !== "0") {
    return {
      kind: "refused",
      status,
      message: String(childText(requestResult, "message") ?? findLocal(requestResult, "message") ?? "без пояснения"),
    };
  }
  const methodResult = findDeep(response, `${method}Result`);
  const methodStatus = methodResult === undefined ? undefined : childText(methodResult, "status");
  if (methodStatus !== undefined && methodStatus !== "0") {
    return { kind: "refused", status: methodStatus, message: childText(methodResult, "message") ?? "без пояснения" };
  }
  return { kind: "ok", result: (child(response, "return") as XmlNode | undefined) ?? (response as XmlNode) };
}
