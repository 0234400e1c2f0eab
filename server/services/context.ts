import type { Queryable } from "@/db/client";
import { ForbiddenError } from "./errors";

export type Actor =
  | { type: "staff"; companyId: number; userId: number; role: "admin" | "operator" }
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
