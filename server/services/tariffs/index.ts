import { and, asc, eq, or, isNull } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { deliveryServices, tariffs, tariffZones } from "@/db/schema";
import type { ServiceCall } from "../context";
import { ValidationError } from "../errors";
import { resolveTown } from "../reference";

export type CalcFailure =
  "townFromMissing" | "townToMissing" | "badMass" | "townFromUnknown" | "townToUnknown" | "massMissing" | "noTariff";

/** A calculator input problem; `reason` says which (the XML API maps it to MeaSoft codes 15, 18–23). */
export class CalculatorError extends ValidationError {
  constructor(
    readonly reason: CalcFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface CalcInput {
  townFrom?: string;
  townTo?: string;
  zipTo?: string;
  regionCodeTo?: string;
  /** kg, as sent (string or number). */
  mass?: string | number;
  lengthCm?: string | number;
  widthCm?: string | number;
  heightCm?: string | number;
  serviceCode?: number;
}

export interface CalcResult {
  serviceCode: number;
  serviceName: string;
  price: number;
  zone: number | null;
  mass: number;
  minDays: number;
  maxDays: number;
  townFrom: string;
  townTo: string;
}

export async function listDeliveryServices(db: Queryable, companyId: number) {
  return db
    .select({ code: deliveryServices.code, name: deliveryServices.name })
    .from(deliveryServices)
    .where(eq(deliveryServices.companyId, companyId))
    .orderBy(asc(deliveryServices.code));
}

const num = (v: string | number | undefined) =>
  v === undefined || v === "" ? undefined : typeof v === "number" ? v : Number(String(v).trim().replace(",", "."));
// Courier convention: volumetric weight = L×W×H (cm) / 5000.
const VOLUMETRIC_DIVISOR = 5000;

/**
 * Delivery price and terms from the company's tariff table: for each service the most specific row wins (town pair,
 * then destination town, then zone, then a company-wide row) among those whose weight step holds the chargeable mass.
 */
export async function calculateDelivery({ ctx, input }: ServiceCall<CalcInput>): Promise<CalcResult[]> {
  const companyId = ctx.actor.companyId;
  if (!input.townFrom?.trim()) throw new CalculatorError("townFromMissing", "Не указан город отправления");
  if (!input.townTo?.trim() && !input.zipTo?.trim())
    throw new CalculatorError("townToMissing", "Не указан город назначения");
  const rawMass = num(input.mass);
  if (rawMass === undefined) throw new CalculatorError("massMissing", "Не указан вес");
  const dims = [num(input.lengthCm), num(input.widthCm), num(input.heightCm)];
  if (
    !Number.isFinite(rawMass) ||
    rawMass <= 0 ||
    rawMass > 100_000 ||
    dims.some((d) => d !== undefined && (!Number.isFinite(d) || d < 0 || d > 10_000))
  ) {
    throw new CalculatorError("badMass", "Некорректный вес или размеры");
  }
  const from = await resolveTown(ctx.db, { name: input.townFrom });
  if (!from) throw new CalculatorError("townFromUnknown", "Город отправления не найден");
  const to = await resolveTown(ctx.db, {
    name: input.townTo,
    regionCode: input.regionCodeTo,
    zip: input.townTo?.trim() ? undefined : input.zipTo,
  });
  if (!to) throw new CalculatorError("townToUnknown", "Город назначения не найден");
  const volumetric = dims.every((d) => d !== undefined) ? (dims[0]! * dims[1]! * dims[2]!) / VOLUMETRIC_DIVISOR : 0;
  const mass = Math.round(Math.max(rawMass, volumetric) * 1000) / 1000;

  const zones = await ctx.db
    .select()
    .from(tariffZones)
    .where(
      and(
        eq(tariffZones.companyId, companyId),
        eq(tariffZones.townTo, to.name),
        or(isNull(tariffZones.townFrom), eq(tariffZones.townFrom, from.name)),
      ),
    );
  const zone = (zones.find((z) => z.townFrom === from.name) ?? zones.find((z) => z.townFrom === null))?.zone ?? null;

  const rows = await ctx.db
    .select({ t: tariffs, serviceName: deliveryServices.name })
    .from(tariffs)
    .leftJoin(
      deliveryServices,
      and(eq(deliveryServices.companyId, tariffs.companyId), eq(deliveryServices.code, tariffs.serviceCode)),
    )
    .where(
      and(
        eq(tariffs.companyId, companyId),
        input.serviceCode !== undefined ? eq(tariffs.serviceCode, input.serviceCode) : undefined,
      ),
    );
  const best = new Map<number, { score: number; row: (typeof rows)[number] }>();
  for (const row of rows) {
    const t = row.t;
    if (t.townFrom !== null && t.townFrom !== from.name) continue;
    if (t.townTo !== null && t.townTo !== to.name) continue;
    if (t.zone !== null && t.zone !== zone) continue;
    // Steps are (weightFrom, weightTo]: «up to 1 kg», «over 1 up to 3 kg», …
    if (mass <= Number(t.weightFrom)) continue;
    if (t.weightTo !== null && mass > Number(t.weightTo)) continue;
    const score = (t.townFrom !== null ? 4 : 0) + (t.townTo !== null ? 2 : 0) + (t.zone !== null ? 1 : 0);
    const cur = best.get(t.serviceCode);
    if (!cur || score > cur.score) best.set(t.serviceCode, { score, row });
  }
  if (best.size === 0) throw new CalculatorError("noTariff", "Тариф не найден");
  return [...best.values()]
    .map(({ row: { t, serviceName } }) => {
      // The open-ended last step charges each started kilogram above its lower bound.
      const extraKg = Number(t.extraPerKg) > 0 ? Math.max(0, Math.ceil(mass - Number(t.weightFrom) - 1e-9)) : 0;
      return {
        serviceCode: t.serviceCode,
        serviceName: serviceName ?? String(t.serviceCode),
        price: Math.round((Number(t.price) + extraKg * Number(t.extraPerKg)) * 100) / 100,
        zone: t.zone ?? zone,
        mass,
        minDays: t.minDays,
        maxDays: t.maxDays,
        townFrom: from.name,
        townTo: to.name,
      };
    })
    .sort((a, b) => a.serviceCode - b.serviceCode);
}
