import bcrypt from "bcryptjs";
import type { Queryable } from "@/db/client";
import { TooManyRequestsError, ValidationError } from "../errors";
import { throttledSignIn } from "./throttle";

const WRONG = "Текущий пароль указан неверно";

/**
 * «Сменить пароль»: the current password checked through the sign-in throttle, so a stolen session cannot guess it
 * without limit. `account` names the account as its own «network»: one account's typos never throttle another's.
 */
export async function checkCurrentPassword(
  db: Queryable,
  who: { extra: number; login: string; account: string; hash: string },
  given: string,
) {
  const attempt = {
    door: "cabinet" as const,
    extra: who.extra,
    login: who.login,
    ip: `password-change:${who.account}`,
  };
  const checked = await throttledSignIn(db, attempt, async () =>
    (await bcrypt.compare(given, who.hash)) ? true : null,
  );
  if (checked.status === "wrong") throw new ValidationError(WRONG, { oldPassword: [WRONG] });
  if (checked.status === "refused") {
    throw new TooManyRequestsError(
      `Слишком много неверных попыток. Повторите через ${Math.max(checked.retryAfterSeconds, 1)} с.`,
    );
  }
}
