"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatDate } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Alert, Badge, Button, Card, Field, PageHeader, Select, Table, TextField } from "@/components/ui";
import { useFormErrors } from "@/components/use-form-errors";
import { serverErrors } from "@/components/form-errors";
import {
  createUserSchema,
  MIN_PASSWORD,
  resetPasswordSchema,
  ROLE_TITLES,
  STAFF_ROLES,
} from "@/server/services/users/schemas";

type Role = (typeof STAFF_ROLES)[number];
const ROLE_TONES = { admin: "blue", operator: "gray", readonly: "amber" } as const;
const ROLE_HINTS: Record<Role, string> = {
  admin: "всё, включая пользователей, настройки компании и журнал входов",
  operator: "заказы, манифесты, клиенты, интеграции — без пользователей и настроек компании",
  readonly: "видит то же, что оператор, но ничего не меняет",
};

export function UsersScreen() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [resetFor, setResetFor] = useState<number | null>(null);
  const onError = (e: unknown) => setFailure(serverErrors(e).message ?? "Не удалось сохранить");
  const done = (text: string) => () => {
    setFailure(null);
    setNotice(text);
    void refresh();
  };
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSuccess: done("Роль изменена"), onError }));
  const remove = useMutation(trpc.users.remove.mutationOptions({ onSuccess: done("Пользователь удалён"), onError }));

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Пользователи"
        subtitle="Сотрудники службы и их роли. Логины клиентов задаются в карточке клиента."
      />
      {notice && <Alert tone="green">{notice}</Alert>}
      {failure && <Alert>{failure}</Alert>}
      <QueryState query={users} empty="Пользователей нет">
        {(rows) => (
          <Table>
            <thead>
              <tr>
                <th>Логин</th>
                <th>Имя</th>
                <th>Роль</th>
                <th>Создан</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr key={u.id}>
                  <td className="font-mono text-xs">{u.login}</td>
                  <td>
                    {u.name} {u.isMe && <Badge tone="green">это вы</Badge>}
                  </td>
                  <td>
                    <Select
                      aria-label={`Роль ${u.login}`}
                      value={u.role}
                      disabled={setRole.isPending}
                      onChange={(e) => setRole.mutate({ id: u.id, role: e.target.value as Role })}
                    >
                      {STAFF_ROLES.map((r) => (
                        <option key={r} value={r}>
                          {ROLE_TITLES[r]}
                        </option>
                      ))}
                    </Select>{" "}
                    <Badge tone={ROLE_TONES[u.role]}>{ROLE_TITLES[u.role]}</Badge>
                  </td>
                  <td className="tabular-nums">{formatDate(u.createdAt)}</td>
                  <td className="whitespace-nowrap text-right">
                    <Button variant="ghost" onClick={() => setResetFor(resetFor === u.id ? null : u.id)}>
                      Сбросить пароль
                    </Button>
                    <Button
                      variant="ghost"
                      className="text-red-700"
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(`Удалить пользователя ${u.login}? Его сеансы завершатся.`))
                          remove.mutate({ id: u.id });
                      }}
                    >
                      Удалить
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
      {resetFor !== null && (
        <ResetPassword
          id={resetFor}
          login={users.data?.find((u) => u.id === resetFor)?.login ?? ""}
          onDone={() => {
            setResetFor(null);
            done("Пароль сброшен, сеансы пользователя завершены")();
          }}
          onCancel={() => setResetFor(null)}
        />
      )}
      <AddUser onDone={done("Пользователь добавлен")} />
      <Card title="Роли">
        <ul className="list-disc pl-5 text-slate-700">
          {STAFF_ROLES.map((r) => (
            <li key={r}>
              <b>{ROLE_TITLES[r]}</b> — {ROLE_HINTS[r]}
            </li>
          ))}
        </ul>
        <p className="mt-2 text-xs text-slate-500">
          Смена роли, сброс пароля и удаление завершают сеансы пользователя: при следующем запросе он выйдет из
          кабинета. В службе всегда остаётся хотя бы один администратор.
        </p>
      </Card>
    </div>
  );
}

function AddUser({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const empty = { login: "", name: "", role: "operator" as Role, password: "" };
  const [values, setValues] = useState(empty);
  const { errors, banner, validate, onServerError, clearError } = useFormErrors();
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setValues(empty);
        onDone();
      },
      onError: onServerError,
    }),
  );
  const set = (k: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    clearError(k);
  };
  return (
    <Card title="Добавить пользователя">
      <form
        noValidate
        className="grid gap-3 md:grid-cols-5 md:items-start"
        onSubmit={(e) => {
          e.preventDefault();
          const data = validate(createUserSchema, values);
          if (data) create.mutate(data);
        }}
      >
        {banner && (
          <div className="md:col-span-5">
            <Alert>{banner}</Alert>
          </div>
        )}
        <TextField label="Логин" value={values.login} onChange={set("login")} error={errors.login} autoComplete="off" />
        <TextField label="Имя" value={values.name} onChange={set("name")} error={errors.name} />
        <Field label="Роль" htmlFor="new-user-role" error={errors.role}>
          <Select id="new-user-role" value={values.role} onChange={set("role")}>
            {STAFF_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_TITLES[r]}
              </option>
            ))}
          </Select>
        </Field>
        <TextField
          label="Начальный пароль"
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={set("password")}
          error={errors.password}
          hint={`Не короче ${MIN_PASSWORD} символов; передайте его сотруднику, он сменит его сам`}
        />
        <div className="md:pt-5">
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? "Добавляем…" : "Добавить"}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function ResetPassword({
  id,
  login,
  onDone,
  onCancel,
}: {
  id: number;
  login: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const [password, setPassword] = useState("");
  const { errors, banner, validate, onServerError, clearError } = useFormErrors();
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: onDone, onError: onServerError }));
  return (
    <Card title={`Новый пароль для ${login}`}>
      <form
        noValidate
        className="flex max-w-md flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const data = validate(resetPasswordSchema, { id, password });
          if (data) reset.mutate(data);
        }}
      >
        {banner && <Alert>{banner}</Alert>}
        <TextField
          label="Новый пароль"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            clearError("password");
          }}
          error={errors.password}
          hint={`Не короче ${MIN_PASSWORD} символов`}
        />
        <div className="flex gap-2">
          <Button type="submit" disabled={reset.isPending}>
            Сбросить пароль
          </Button>
          <Button type="button" variant="ghost" onClick={onCancel}>
            Отмена
          </Button>
        </div>
      </form>
    </Card>
  );
}
