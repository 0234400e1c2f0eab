import { z } from "zod";
import { int32Id, safeString } from "../primitives";

export const STAFF_ROLES = ["admin", "operator", "readonly"] as const;
export const ROLE_TITLES: Record<(typeof STAFF_ROLES)[number], string> = {
  admin: "Администратор",
  operator: "Оператор",
  readonly: "Только просмотр",
};
export const MIN_PASSWORD = 8;

const password = (label = "Пароль") =>
  z
    .string({ error: `Укажите ${label.toLowerCase()}` })
    .min(MIN_PASSWORD, `${label} — не короче ${MIN_PASSWORD} символов`)
    .max(200, `${label} — не длиннее 200 символов`);

const role = z.enum(STAFF_ROLES, { error: "Выберите роль" });

export const createUserSchema = z.object({
  login: safeString()
    .trim()
    .min(1, "Укажите логин")
    .max(100, "Не длиннее 100 символов")
    .regex(/^[\p{L}\p{N}._@-]+$/u, "Логин — буквы, цифры и . _ @ - без пробелов"),
  name: safeString().trim().min(1, "Укажите имя").max(250, "Не длиннее 250 символов"),
  role,
  password: password(),
});
export type CreateUserInput = z.input<typeof createUserSchema>;

export const userIdSchema = z.object({ id: int32Id() });
export const setRoleSchema = z.object({ id: int32Id(), role });
export const resetPasswordSchema = z.object({ id: int32Id(), password: password() });

export const changeOwnPasswordSchema = z
  .object({
    oldPassword: z.string({ error: "Укажите текущий пароль" }).min(1, "Укажите текущий пароль").max(200),
    newPassword: password("Новый пароль"),
  })
  .refine((v) => v.oldPassword !== v.newPassword, {
    path: ["newPassword"],
    message: "Новый пароль совпадает с текущим",
  });
export type ChangeOwnPasswordInput = z.input<typeof changeOwnPasswordSchema>;
