"use client";
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { useFormErrors } from "@/components/use-form-errors";
import { Alert, Button, TextField } from "@/components/ui";
import { changeClientPasswordSchema } from "@/server/services/client-integration/schemas";

/** «Сбросить пароль» for a client account: its own password, the current one first; then it signs in again. */
export function ChangeOwnPassword() {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState({ oldPassword: "", newPassword: "" });
  const { errors, banner, validate, onServerError, clearError } = useFormErrors();
  const change = useMutation(
    trpc.clientIntegration.changePassword.mutationOptions({
      onSuccess: () => void signOut({ callbackUrl: "/login" }),
      onError: onServerError,
    }),
  );
  if (!open)
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Сбросить пароль
      </Button>
    );
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
        const data = validate(changeClientPasswordSchema, values);
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
        hint="Не короче 4 символов. После смены войдите снова и впишите новый пароль в настройки модуля магазина."
      />
      <div className="flex gap-2">
        <Button type="submit" disabled={change.isPending}>
          {change.isPending ? "Сохраняем…" : "Сменить пароль"}
        </Button>
        <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
          Отмена
        </Button>
      </div>
    </form>
  );
}
