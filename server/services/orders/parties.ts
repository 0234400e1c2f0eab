import type { orders } from "@/db/schema";

type OrderRow = typeof orders.$inferSelect;

/** An order's sender as one object, the shape the XML answers and the partner adapters both read. */
export const senderOf = (o: OrderRow) => ({
  company: o.senderCompany,
  person: o.senderPerson,
  phone: o.senderPhone,
  town: o.senderTown,
  address: o.senderAddress,
  zip: o.senderZip,
  date: o.senderDate,
  timeMin: o.senderTimeMin,
  timeMax: o.senderTimeMax,
});

export const receiverOf = (o: OrderRow) => ({
  company: o.receiverCompany,
  person: o.receiverPerson,
  phone: o.receiverPhone,
  town: o.receiverTown,
  regionCode: o.receiverRegionCode,
  address: o.receiverAddress,
  zip: o.receiverZip,
  pvz: o.receiverPvz,
  date: o.receiverDate,
  timeMin: o.receiverTimeMin,
  timeMax: o.receiverTimeMax,
});
