import { clients } from "@/db/schema";
import { ConflictError } from "../errors";

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

export const loginTaken = () => new ConflictError("Этот логин уже занят другим клиентом", { login: ["Этот логин уже занят другим клиентом"] });
