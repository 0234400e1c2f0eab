import { describe, expect, it } from "vitest";
import { mapCdekStatus } from "../cdek/statuses";
import { parseTokenResponse } from "../cdek/mappers";
import {
  buildCancelOrder,
  buildCommitLastStatus,
  buildNewOrder,
  buildStatusRequest,
  MeasoftRequestError,
  parseCancelOrderResponse,
  parseCommitLastStatus,
  parseNewOrderResponse,
  parseStatusResponse,
} from "../measoft/mappers";
import { mapMeasoftStatus } from "../measoft/statuses";
import { parseSoapAnswer } from "../topdelivery/mappers";
import { parseXmlRoot } from "../xml";

const auth = { extra: "202", login: "alfa", pass: 'p&"<' };

describe("MeaSoft mappers", () => {
  it("builds statusreq for a number and for the change feed, escaping credentials", () => {
    expect(buildStatusRequest(auth, { orderno: "A-17" })).toContain(
      '<statusreq><auth extra="202" login="alfa" pass="p&amp;&quot;&lt;"/><orderno>A-17</orderno></statusreq>',
    );
    const feed = buildStatusRequest(auth, { changes: true, client: "AGENT", streamid: 100 });
    expect(feed).toContain(
      "<client>AGENT</client><changes>ONLY_LAST</changes><quickstatus>NO</quickstatus><streamid>100</streamid>",
    );
    expect(() => buildStatusRequest(auth, { streamid: 5 })).toThrow(RangeError);
  });

  it("parses statusreq orders with status and history", () => {
    const r =
      parseStatusResponse(`<?xml version="1.0"?><statusreq count="1"><order orderno="A-17" ordercode="987654"><barcode>A-17</barcode>
      <status eventtime="2025-06-03 14:05:00" title="Доставлен">COMPLETE</status>
      <statushistory><status eventtime="2025-06-02 10:00:00" title="Принят">ACCEPTED</status><status eventtime="2025-06-03 14:05:00">COMPLETE</status></statushistory>
      <deliveredto>Иванов</deliveredto></order></statusreq>`);
    expect(r.count).toBe(1);
    expect(r.orders[0]).toMatchObject({
      orderno: "A-17",
      ordercode: "987654",
      barcode: "A-17",
      status: { code: "COMPLETE", title: "Доставлен", eventTime: "2025-06-03 14:05:00" },
      deliveredTo: "Иванов",
    });
    expect(r.orders[0]!.history.map((h) => h.code)).toEqual(["ACCEPTED", "COMPLETE"]);
    expect(parseStatusResponse(`<statusreq count="0"/>`)).toEqual({ count: 0, orders: [] });
  });

  it("raises the partner's request-level error in its own words", () => {
    const err = (() => {
      try {
        parseStatusResponse(`<statusreq error="25" errormsg="Authorization error" errormsgru="Ошибка авторизации"/>`);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MeasoftRequestError);
    expect(err).toMatchObject({ code: 25, partnerMessage: "Ошибка авторизации" });
    expect(() => parseStatusResponse(`<error error="1">Неверный XML</error>`)).toThrow("Неверный XML (код 1)");
  });

  it("builds neworder with parties, items and packages, and parses per-order results", () => {
    const xml = buildNewOrder(auth, [
      {
        orderno: "A-17",
        receiver: {
          person: "Смирнова Анна",
          phone: "+79000000000",
          town: "Тверь",
          regionCode: "69",
          address: "ул. Ленина, 1",
        },
        weight: 0.8,
        quantity: 1,
        payType: "CASH",
        price: 1990,
        deliveryPrice: 250,
        items: [{ name: "Лампа <LED>", article: "SKU-9", quantity: 1, mass: 0.8, retailPrice: 1990, vatRate: 20 }],
        packages: [{ barcode: "A-17-1", mass: 0.8, length: 20, width: 15, height: 10 }],
      },
    ]);
    const root = parseXmlRoot(xml)!;
    expect(root.name).toBe("neworder");
    expect(xml).toContain('<order orderno="A-17">');
    expect(xml).toContain('<town regioncode="69">Тверь</town>');
    expect(xml).toContain(
      '<item article="SKU-9" quantity="1" mass="0.8" retprice="1990" VATrate="20">Лампа &lt;LED&gt;</item>',
    );
    expect(xml).toContain('<package strbarcode="A-17-1" mass="0.8" length="20" width="15" height="10"/>');
    expect(xml).toContain("<paytype>CASH</paytype><price>1990</price><deliveryprice>250</deliveryprice>");

    const results = parseNewOrderResponse(
      `<neworder><createorder orderno="A-17" barcode="A-17" error="0" errormsg="Success" orderprice="2240"/><createorder orderno="A-18" error="17" errormsgru="Заказ с таким номером уже есть"/></neworder>`,
    );
    expect(results).toEqual([
      {
        orderno: "A-17",
        barcode: "A-17",
        ordercode: undefined,
        ok: true,
        error: 0,
        message: "Success",
        orderprice: 2240,
      },
      {
        orderno: "A-18",
        barcode: undefined,
        ordercode: undefined,
        ok: false,
        error: 17,
        message: "Заказ с таким номером уже есть",
        orderprice: undefined,
      },
    ]);
  });

  it("builds commitlaststatus and cancelorder and reads their answers", () => {
    expect(buildCommitLastStatus(auth, { client: "CLIENT", streamid: 200 })).toContain("<commitlaststatus><auth");
    expect(buildCommitLastStatus(auth, { client: "CLIENT", streamid: 200 })).toContain(
      "<client>CLIENT</client><streamid>200</streamid></commitlaststatus>",
    );
    expect(parseCommitLastStatus("<commitlaststatus/>")).toEqual({ ok: true });
    expect(buildCancelOrder(auth, [{ orderno: "A-17" }, { ordercode: "987654" }])).toContain(
      '<order orderno="A-17"/><order ordercode="987654"/></cancelorder>',
    );
    expect(() => buildCancelOrder(auth, [{}])).toThrow(RangeError);
    const r = parseCancelOrderResponse(
      `<cancelorder><order orderno="A-17" ordercode="1" error="0" errormsg="OK"/><order orderno="X" error="52" errormsgru="Заказ не найден"/></cancelorder>`,
    );
    expect(r.map((o) => [o.orderno, o.ok, o.error])).toEqual([
      ["A-17", true, 0],
      ["X", false, 52],
    ]);
  });

  it("maps MeaSoft codes to ours and leaves unknown codes unmapped", () => {
    expect(mapMeasoftStatus("complete ")).toBe("COMPLETE");
    expect(mapMeasoftStatus("WHATEVER")).toBeNull();
  });
});

describe("CDEK and TopDelivery mappers", () => {
  it("maps CDEK status codes, trimming stray spaces", () => {
    expect(mapCdekStatus("RECEIVED_AT_SHIPMENT_WAREHOUSE ")).toBe("ACCEPTED");
    expect(mapCdekStatus("DELIVERED")).toBe("COMPLETE");
    expect(mapCdekStatus("NOT_DELIVERED")).toBe("CANCELED");
    expect(mapCdekStatus("SOMETHING_NEW")).toBeNull();
  });

  it("reads CDEK token answers in all documented shapes", () => {
    expect(parseTokenResponse(200, '{"access_token":"t","expires_in":3600}')).toEqual({
      ok: true,
      accessToken: "t",
      expiresIn: 3600,
    });
    expect(parseTokenResponse(400, '{"error":"invalid_client","error_description":"Bad"}')).toEqual({
      ok: false,
      error: "invalid_client",
      description: "Bad",
    });
    expect(parseTokenResponse(400, '{"errors":[{"code":"v2_bad","message":"Плохо"}]}')).toEqual({
      ok: false,
      error: "v2_bad",
      description: "Плохо",
    });
    expect(parseTokenResponse(502, "<html>")).toEqual({ ok: "unexpected", detail: "HTTP 502" });
  });

  it("reads TopDelivery SOAP answers at both result levels and faults", () => {
    const env = (b: string) =>
      `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>${b}</S:Body></S:Envelope>`;
    expect(
      parseSoapAnswer(
        env("<m:xResponse xmlns:m='u'><requestResult><status>0</status></requestResult></m:xResponse>"),
        "x",
      ).kind,
    ).toBe("ok");
    expect(
      parseSoapAnswer(
        env("<xResponse><requestResult><status>2</status><message>Нет доступа</message></requestResult></xResponse>"),
        "x",
      ),
    ).toEqual({
      kind: "refused",
      status: "2",
      message: "Нет доступа",
    });
    expect(
      parseSoapAnswer(
        env(
          "<xResponse><requestResult><status>0</status></requestResult><xResult><status>3</status><message>Заказ не найден</message></xResult></xResponse>",
        ),
        "x",
      ),
    ).toEqual({ kind: "refused", status: "3", message: "Заказ не найден" });
    expect(
      parseSoapAnswer(
        env("<S:Fault><faultcode>S:Server</faultcode><faultstring>Internal</faultstring></S:Fault>"),
        "x",
      ),
    ).toEqual({ kind: "fault", message: "Internal" });
    expect(parseSoapAnswer("<html><body>502</body></html>", "x")).toEqual({ kind: "not-soap" });
  });
});
