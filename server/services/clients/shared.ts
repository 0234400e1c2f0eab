import { clients } from "@/db/schema";
import { ConflictError } from "../errors";
import { isUniqueViolation, violatedConstraint } from "../pg-errors";

// Never select passwordHash into anything that leaves the service.
export const publicColumns = {
  id: clients.id,
  name: clients.name,
  kind: clients.kind,
  inn: clients.inn,
  currency: clients.currency,
  paymentIntermediary: clients.paymentIntermediary,
  contactPerson: clients.contactPerson,
  phone: clients.phone,
  email: clients.email,
  address: clients.address,
  login: clients.login,
  partnerExtraCode: clients.partnerExtraCode,
  createdAt: clients.createdAt,
};

export const loginTaken = () =>
  new ConflictError("Этот логин уже занят другим клиентом", { login: ["Этот логин уже занят другим клиентом"] });

export const nameTaken = () =>
  new ConflictError("Клиент с таким названием уже есть", { name: ["Клиент с таким названием уже есть"] });

/** A unique violation on save as the field it concerns: the name (any letter case) or the login. */
export function clientConflict(e: unknown): ConflictError | undefined {
  if (!isUniqueViolation(e)) return undefined;
  return violatedConstraint(e) === "clients_company_name_uq" ? nameTaken() : loginTaken();
}
