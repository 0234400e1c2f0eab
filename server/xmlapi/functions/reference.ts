import { findCompanyByExtra } from "@/server/services/auth/api";
import { listRegions, listStreets, listTowns, resolveTown } from "@/server/services/reference";
import { calculateDelivery, CalculatorError, listDeliveryServices, type CalcFailure } from "@/server/services/tariffs";
import type { RequestErrorCode } from "../codes";
import { XmlRequestError, type AuthedCall, type XmlCall } from "../types";
import { attr, el, field, many, num, one, text, type OutNode } from "../xml";

const CALC_CODES: Record<CalcFailure, RequestErrorCode> = {
  noTariff: 15,
  townFromMissing: 18,
  townToMissing: 19,
  badMass: 20,
  townFromUnknown: 21,
  townToUnknown: 22,
  massMissing: 23,
};

/** calculator: the older <calc townfrom townto mass …/> form or the newer <order> form (§5.1). */
export async function calculator(call: AuthedCall): Promise<OutNode> {
  const calc = one(call.node.calc);
  const order = one(call.node.order);
  const packages = many(one(order?.packages)?.package);
  const firstPackage = packages[0];
  const packageMass = packages.reduce(
    (s, p) => s + Number(field(p, "mass") ?? 0) * Number(field(p, "quantity") ?? 1),
    0,
  );
  const receiver = one(order?.receiver);
  const receiverTown = one(receiver?.town);
  const service = field(calc, "service") ?? field(order, "service");
  const input = {
    townFrom: field(calc, "townfrom") ?? text(one(one(order?.sender)?.town)),
    townTo: field(calc, "townto") ?? text(receiverTown),
    zipTo: field(calc, "zipcode") ?? field(receiver, "zipcode"),
    regionCodeTo: attr(receiverTown, "regioncode"),
    mass: field(calc, "mass") ?? field(order, "weight") ?? (packageMass > 0 ? packageMass : undefined),
    lengthCm: field(calc, "l") ?? field(firstPackage, "length"),
    widthCm: field(calc, "w") ?? field(firstPackage, "width"),
    heightCm: field(calc, "h") ?? field(firstPackage, "height"),
    serviceCode: service !== undefined && /^\d{1,6}$/.test(service) ? Number(service) : undefined,
  };
  if (service !== undefined && input.serviceCode === undefined)
    throw new XmlRequestError(15, "неизвестный режим доставки");
  try {
    const results = await calculateDelivery({ ctx: call.ctx, input });
    // Older clients read attributes, newer ones child elements: both are given (§5.1).
    return el(
      "calculator",
      { count: results.length },
      results.map((r) =>
        el(
          "calc",
          {
            townfrom: r.townFrom,
            townto: r.townTo,
            mass: r.mass,
            service: r.serviceCode,
            servicename: r.serviceName,
            price: r.price,
            zone: r.zone,
            mindeliverydays: r.minDays,
            maxdeliverydays: r.maxDays,
          },
          [
            el("price", {}, num(r.price)),
            el("service", { name: r.serviceName }, r.serviceCode),
            el("zone", {}, r.zone),
            el("mass", {}, num(r.mass)),
            el("mindeliverydays", {}, r.minDays),
            el("maxdeliverydays", {}, r.maxDays),
          ],
        ),
      ),
    );
  } catch (e) {
    if (e instanceof CalculatorError) throw new XmlRequestError(CALC_CODES[e.reason], e.message);
    throw e;
  }
}

/** services: only <auth extra="…"/> is needed (MeaSoft's own class sends just that). */
export async function services(call: XmlCall): Promise<OutNode> {
  const auth = one(call.node.auth);
  const company = await findCompanyByExtra(call.db, attr(auth, "extra") ?? text(call.node.extra));
  if (!company) throw new XmlRequestError(25, "неизвестный код службы");
  const list = await listDeliveryServices(call.db, company.id);
  return el(
    "services",
    { count: list.length },
    list.map((s) => el("service", { code: s.code, name: s.name }, [el("code", {}, s.code), el("name", {}, s.name)])),
  );
}

const TYPE_NAMES: Record<string, string> = {
  г: "город",
  обл: "область",
  Респ: "республика",
  край: "край",
  АО: "автономный округ",
  Аобл: "автономная область",
  Чувашия: "республика",
};
const RUSSIA = [el("code", {}, 643), el("name", {}, "Россия")];

function limits(call: XmlCall) {
  const limit = one(call.node.limit);
  const from = Number(field(limit, "limitfrom") ?? 0);
  const count = Number(field(limit, "limitcount") ?? 1000);
  return {
    limitFrom: Number.isFinite(from) && from >= 0 ? Math.min(Math.floor(from), 1_000_000_000) : 0,
    limitCount: Number.isFinite(count) && count >= 0 ? Math.floor(count) : 1000,
    countAll: field(limit, "countall")?.toUpperCase() === "YES",
  };
}

export async function townlist(call: XmlCall): Promise<OutNode> {
  const cs = one(call.node.codesearch);
  const cond = one(call.node.conditions);
  const lim = limits(call);
  const { total, items } = await listTowns(call.db, {
    code: field(cs, "code"),
    zipcode: field(cs, "zipcode"),
    kladrcode: field(cs, "kladrcode"),
    fiascode: field(cs, "fiascode"),
    region: field(cond, "region"),
    namecontains: field(cond, "namecontains"),
    namestarts: field(cond, "namestarts"),
    name: field(cond, "name"),
    fullname: field(cond, "fullname"),
    country: field(cond, "country"),
    limitFrom: lim.limitFrom,
    limitCount: lim.limitCount,
  });
  return el(
    "townlist",
    { count: items.length, totalcount: lim.countAll ? total : undefined },
    items.map(({ town: t, region: r }) =>
      el("town", {}, [
        el("code", {}, t.code),
        el("name", {}, t.name),
        el("fiascode", {}, t.fiasCode),
        el("kladrcode", {}, t.kladrCode),
        el("shortname", {}, t.typeShort),
        el("typename", {}, TYPE_NAMES[t.typeShort] ?? t.typeShort),
        el("city", {}, t.name),
        el("zipcode", {}, t.zip),
        el("region", {}, [el("code", {}, r.code), el("name", {}, r.name), el("fullname", {}, r.fullName)]),
        el("country", {}, RUSSIA),
      ]),
    ),
  );
}

export async function regionlist(call: XmlCall): Promise<OutNode> {
  const cs = one(call.node.codesearch);
  const cond = one(call.node.conditions);
  const rows = await listRegions(call.db, {
    code: field(cs, "code"),
    namecontains: field(cond, "namecontains"),
    namestarts: field(cond, "namestarts"),
    fullname: field(cond, "fullname"),
    country: field(cond, "country"),
  });
  return el(
    "regionlist",
    { count: rows.length },
    rows.map((r) =>
      el("region", {}, [
        el("code", {}, r.code),
        el("name", {}, r.name),
        el("fullname", {}, r.fullName),
        el("shortname", {}, r.typeShort),
        el("typename", {}, TYPE_NAMES[r.typeShort] ?? r.typeShort),
        el("country", {}, RUSSIA),
      ]),
    ),
  );
}

/**
 * streetlist: streets of one town found in the company's own orders. Stock clients send it without <auth>; the
 * company then comes from `<auth extra>` or `<extra>`, and without either there is nothing to list.
 */
export async function streetlist(call: XmlCall): Promise<OutNode> {
  const cond = one(call.node.conditions);
  const townName = field(cond, "town");
  if (!townName) throw new XmlRequestError(19, "conditions/town обязателен");
  const town = await resolveTown(call.db, { name: townName });
  if (!town) throw new XmlRequestError(22, "город не найден");
  const company = await findCompanyByExtra(call.db, attr(one(call.node.auth), "extra") ?? text(call.node.extra));
  if (!company) return el("streetlist", { count: 0 });
  const lim = limits(call);
  const { total, items } = await listStreets(call.db, company.id, town, {
    town: townName,
    namecontains: field(cond, "namecontains"),
    namestarts: field(cond, "namestarts"),
    name: field(cond, "name"),
    fullname: field(cond, "fullname"),
    limitFrom: lim.limitFrom,
    limitCount: lim.limitCount,
  });
  return el(
    "streetlist",
    { count: items.length, totalcount: lim.countAll ? total : undefined },
    items.map((s) =>
      el("street", {}, [
        el("name", {}, s.name),
        el("shortname", {}, s.shortName),
        el("typename", {}, s.typeName),
        el("town", { code: town.code }, town.name),
      ]),
    ),
  );
}

/** client: the caller's internal client code (what staff put in `clientcode`). */
export async function client(call: AuthedCall): Promise<OutNode> {
  return el("client", {}, [el("code", {}, call.account.actor.clientId), el("name", {}, call.account.clientName)]);
}
