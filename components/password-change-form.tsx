"use client";
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useState } from "react";
import type { z } from "zod";
import { useTRPC } from "./trpc";
import { Alert, Button, TextField } from "./ui";
import { useFormErrors } from "./use-form-errors";

type PasswordSchema = z.ZodType<{ oldPassword: string; newPassword: string }>;

/**
 * «Сменить пароль» of the signed-in account (a staff user or a client account): the current password, the new one
 * twice; the server checks the current one through the sign-in throttle and then ends every session, this one too.
 */
export function PasswordChangeForm(props: {
  account: "staff" | "client";
  schema: PasswordSchema;
  hint: string;
  onCancel?: () => void;
}) {
  const trpc = useTRPC();
  const [values, setValues] = useState({ oldPassword: "", newPassword: "", repeat: "" });
  const { errors, banner, validate, onServerError, clearError } = useFormErrors();
  const options = { onSuccess: () => void signOut({ callbackUrl: "/login" }), onError: onServerError };
  const staff = useMutation(trpc.users.changeOwnPassword.mutationOptions(options));
  const client = useMutation(trpc.clientIntegration.changePassword.mutationOptions(options));
  const change = props.account === "staff" ? staff : client;
  const set = (k: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    clearError(k);
  };
  return (
    <form
      noValidate
      className="flex max-w-sm flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        const mismatch = values.repeat !== values.newPassword ? { repeat: ["Пароли не совпадают"] } : undefined;
        const data = validate(
          props.schema,
          { oldPassword: values.oldPassword, newPassword: values.newPassword },
          mismatch,
        );
        if (data) change.mutate(data);
      }}
    >
      {banner && <Alert>{banner}</Alert>}
      <TextField
        label="Текущий пароль"
        type="password"
        autoComplete="current-password"
        value={values.oldPassword}
        onChange={set("oldPassword")}
        error={errors.oldPassword}
      />
      <TextField
        label="Новый пароль"
        type="password"
        autoComplete="new-password"
        value={values.newPassword}
        onChange={set("newPassword")}
        error={errors.newPassword}
        hint={props.hint}
      />
      <TextField
        label="Новый пароль ещё раз"
        type="password"
        autoComplete="new-password"
        value={values.repeat}
        onChange={set("repeat")}
        error={errors.repeat}
      />
      <div className="flex gap-2">
        <Button type="submit" disabled={change.isPending}>
          {change.isPending ? "Сохраняем…" : "Сменить пароль"}
        </Button>
        {props.onCancel && (
          <Button type="button" variant="ghost" onClick={props.onCancel}>
            Отмена
          </Button>
        )}
      </div>
    </form>
  );
}
