import { z } from "zod";
import { httpUrl, requiredText } from "../form";
import type { IntegratorSettings } from "../types";

export const measoftSettingsSchema = z.object({
  login: requiredText("Укажите логин").meta({
    label: "Логин",
    help: "Логин, который служба-партнёр выдала вам как своему клиенту",
  }),
  password: requiredText("Укажите пароль").meta({ label: "Пароль", secret: true }),
  extra: z
    .string({ error: "Укажите код клиента" })
    .trim()
    .regex(/^\d{1,9}$/, "Код клиента — число, например 202")
    .meta({
      label: "Код клиента",
      help: "Код службы-партнёра в MeaSoft («экстра-код»), его сообщает партнёр",
      placeholder: "202",
    }),
  apiUrl: httpUrl().optional().meta({
    label: "API URL",
    help: "Адрес XML API партнёра. Пусто — API этого Курьер-Хаба (для партнёров, которые работают в нём же)",
    placeholder: "https://home.courierexe.ru/api/",
  }),
});

export type MeasoftSettings = z.output<typeof measoftSettingsSchema>;

export const measoftSettings: IntegratorSettings<typeof measoftSettingsSchema> = {
  id: "measoft",
  title: "MeaSoft",
  description: "Другая курьерская служба на MeaSoft или совместимом API: заказы уходят ей, статусы возвращаются к вам.",
  schema: measoftSettingsSchema,
};
