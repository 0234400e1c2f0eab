import { and, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients } from "@/db/schema";
import type { ApiOrderRules, RequirableField } from "../api-settings";
import { NotFoundError, type FieldErrors, zodFieldErrors } from "../errors";
import { resolveTown } from "../reference";
import { cabinetOrderDataSchema, normalizePhone, orderDataSchema, type OrderData } from "./schemas";

/**
 * Which door an order came through. Both run the same rules (towns, the company's required fields, absurd dates and
 * time windows); the cabinet's form also refuses what is not a phone and a zero weight, which stock shop modules send.
 */
export type OrderDoor = "cabinet" | "api";

const REQUIRED_MESSAGES: Record<RequirableField, string> = {
  "receiver.company": "Укажите компанию получателя",
  "sender.company": "Укажите компанию отправителя",
  "sender.person": "Укажите контактное лицо отправителя",
  "sender.phone": "Укажите телефон отправителя",
  "sender.address": "Укажите адрес отправителя",
};

/**
 * Validates one order: the door's schema, then what routing needs — a receiver town (and a sender town when given)
 * found in the town reference, stored under its reference name — and the fields the company requires. Field errors
 * come back keyed by path, like the cabinet's forms.
 */
export async function validateOrder(
  db: Queryable,
  raw: unknown,
  rules: ApiOrderRules,
  door: OrderDoor,
): Promise<{ data: OrderData } | { fieldErrors: FieldErrors }> {
  const errors: FieldErrors = {};
  const add = (path: string, message: string) => (errors[path] ??= []).push(message);
  const parsed = (door === "cabinet" ? cabinetOrderDataSchema : orderDataSchema).safeParse(raw);
  if (!parsed.success) Object.assign(errors, zodFieldErrors(parsed.error));

  const r = raw as { receiver?: Record<string, unknown>; sender?: Record<string, unknown> } | null;
  const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const receiverTown = str(r?.receiver?.town);
  const receiverZip = str(r?.receiver?.zip);
  const rTown =
    receiverTown || receiverZip
      ? await resolveTown(db, {
          name: receiverTown,
          regionCode: str(r?.receiver?.regionCode),
          zip: receiverTown ? "" : receiverZip,
        })
      : null;
  if (!receiverTown && !rTown) add("receiver.town", "Укажите город получателя");
  else if (!rTown && rules.strictTowns)
    add("receiver.town", `Город получателя «${receiverTown.slice(0, 100)}» не найден`);
  const senderTown = str(r?.sender?.town);
  const sTown = senderTown ? await resolveTown(db, { name: senderTown }) : null;
  if (senderTown && !sTown && rules.strictTowns)
    add("sender.town", `Город отправителя «${senderTown.slice(0, 100)}» не найден`);
  for (const field of rules.required) {
    const [side, key] = field.split(".") as ["sender" | "receiver", string];
    if (!str(r?.[side]?.[key])) add(field, REQUIRED_MESSAGES[field]);
  }
  if (Object.keys(errors).length || !parsed.success) return { fieldErrors: errors };

  const data = parsed.data;
  // A town found in the reference is stored under its reference name; an unknown one as typed.
  if (rTown) {
    data.receiver.town = rTown.name;
    data.receiver.regionCode ??= rTown.regionCode;
  }
  if (sTown) data.sender.town = sTown.name;
  return { data };
}

/**
 * The cabinet's sender defaults to the client's card: its name, contact person, phone (when it is one) and address
 * fill the sender fields left empty, before the company's required fields are checked.
 */
export async function withSenderFromClient<T extends { sender?: Record<string, unknown> }>(
  db: Queryable,
  companyId: number,
  clientId: number,
  order: T,
): Promise<T> {
  const [card] = await db
    .select({ name: clients.name, person: clients.contactPerson, phone: clients.phone, address: clients.address })
    .from(clients)
    .where(and(eq(clients.companyId, companyId), eq(clients.id, clientId)));
  if (!card) throw new NotFoundError("Клиент", "clientId");
  const sender = { ...(order.sender ?? {}) };
  const empty = (k: string) => typeof sender[k] !== "string" || (sender[k] as string).trim() === "";
  const fill: Record<string, string | null> = {
    company: card.name,
    person: card.person,
    phone: card.phone ? normalizePhone(card.phone) : null,
    address: card.address,
  };
  for (const [k, v] of Object.entries(fill)) if (v && empty(k)) sender[k] = v;
  return { ...order, sender };
}
