"use client";
import { TextField } from "@/components/ui";
import type { FieldErrors } from "@/server/services/errors";

export type AccountValues = { extra: string; login: string; password: string };

/** Our client account as the courier company gave it: the seed's «Код курьерской службы», «Логин», «Пароль». */
export function AccountFields(props: {
  values: AccountValues;
  errors: FieldErrors;
  onChange: (name: keyof AccountValues, value: string) => void;
}) {
  const field = (name: keyof AccountValues) => ({
    value: props.values[name],
    error: props.errors[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => props.onChange(name, e.target.value),
  });
  return (
    <>
      <TextField label="Код курьерской службы" inputMode="numeric" autoComplete="off" {...field("extra")} />
      <TextField label="Логин" autoComplete="username" {...field("login")} />
      <TextField label="Пароль" type="password" autoComplete="current-password" {...field("password")} />
    </>
  );
}
