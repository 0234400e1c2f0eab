import type { Queryable } from "@/db/client";
import { ForbiddenError } from "./errors";

export type StaffRole = "admin" | "operator" | "readonly";

export type Actor =
  | { type: "staff"; companyId: number; userId: number; role: StaffRole }
  | { type: "client"; companyId: number; clientId: number }
  | { type: "system"; companyId: number; job: string };

export interface ServiceContext<A extends Actor = Actor> {
  db: Queryable;
  actor: A;
}

export interface ServiceCall<I, A extends Actor = Actor> {
  ctx: ServiceContext<A>;
  input: I;
}

/** Company-wide operations belong to the company's own staff (or its jobs), never to a client account. */
export function assertStaff(ctx: ServiceContext): asserts ctx is ServiceContext<Exclude<Actor, { type: "client" }>> {
  if (ctx.actor.type === "client") throw new ForbiddenError();
}

export function assertAdmin(ctx: ServiceContext) {
  if (ctx.actor.type === "client" || (ctx.actor.type === "staff" && ctx.actor.role !== "admin")) {
    throw new ForbiddenError("Действие доступно только администратору");
  }
}

/** A read-only staff user may look at everything and change nothing; doors outside tRPC call this before writing. */
export function isReadOnly(actor: Actor): boolean {
  return actor.type === "staff" && actor.role === "readonly";
}

export function assertCanWrite(ctx: ServiceContext) {
  if (isReadOnly(ctx.actor)) throw new ForbiddenError(READ_ONLY_MESSAGE);
}

export const READ_ONLY_MESSAGE = "У вас доступ только для просмотра";
