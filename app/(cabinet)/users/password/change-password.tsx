"use client";
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Alert, Button, Card, TextField } from "@/components/ui";
import { useFormErrors } from "@/components/use-form-errors";
import { changeOwnPasswordSchema, MIN_PASSWORD } from "@/server/services/users/schemas";

/** Old and new password; on success every session of the account ends, this one too, and the user signs in again. */
export function ChangePassword() {
  const trpc = useTRPC();
  const [values, setValues] = useState({ oldPassword: "", newPassword: "", repeat: "" });
  const { errors, banner, validate, onServerError, clearError } = useFormErrors();
  const change = useMutation(
    trpc.users.changeOwnPassword.mutationOptions({
      onSuccess: () => void signOut({ callbackUrl: "/login" }),
      onError: onServerError,
    }),
  );
  const set = (k: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    clearError(k);
  };
  return (
    <Card className="max-w-md">
      <form
        noValidate
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const mismatch = values.repeat !== values.newPassword ? { repeat: ["Пароли не совпадают"] } : undefined;
          const data = validate(changeOwnPasswordSchema, values, mismatch);
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
          hint={`Не короче ${MIN_PASSWORD} символов`}
        />
        <TextField
          label="Новый пароль ещё раз"
          type="password"
          autoComplete="new-password"
          value={values.repeat}
          onChange={set("repeat")}
          error={errors.repeat}
        />
        <p className="text-xs text-slate-500">
          После смены пароля все ваши сеансы, включая этот, завершатся — войдите с новым паролем.
        </p>
        <Button type="submit" disabled={change.isPending}>
          {change.isPending ? "Сохраняем…" : "Сменить пароль"}
        </Button>
      </form>
    </Card>
  );
}
