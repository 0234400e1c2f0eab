"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { serverErrors } from "@/components/form-errors";
import { QueryState } from "@/components/query-state";
import { useFormErrors } from "@/components/use-form-errors";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { Alert, Button, Card, Input, PageHeader, Table, TextField } from "@/components/ui";
import { branchFieldsSchema } from "@/server/services/branches/schemas";

type Branch = RouterOutputs["branches"]["list"][number];
type Values = { code: string; name: string; town: string };
const empty: Values = { code: "", name: "", town: "" };

function useInvalidate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.branches.pathKey() });
}

export function BranchesDirectory() {
  const trpc = useTRPC();
  const query = useQuery(trpc.branches.list.queryOptions());
  const [editing, setEditing] = useState<number | null>(null);
  const [notice, setNotice] = useState<{ tone: "green" | "red"; text: string } | null>(null);

  return (
    <div>
      <PageHeader title="Филиалы" subtitle="Межгород: филиалы и партнёры, между которыми ходят манифесты" />
      {notice && (
        <div className="mb-3">
          <Alert tone={notice.tone}>{notice.text}</Alert>
        </div>
      )}
      <AddBranch onAdded={(b) => setNotice({ tone: "green", text: `Филиал «${b.name}» добавлен` })} />
      <div className="mt-4">
        <QueryState query={query} empty="Филиалов пока нет — добавьте первый выше">
          {(branches) => (
            <Table>
              <thead>
                <tr>
                  <th className="w-40">Код</th>
                  <th>Название</th>
                  <th className="w-56">Город</th>
                  <th className="w-64" />
                </tr>
              </thead>
              <tbody>
                {branches.map((b) =>
                  editing === b.id ? (
                    <EditRow
                      key={b.id}
                      branch={b}
                      onDone={(text) => {
                        setEditing(null);
                        if (text) setNotice({ tone: "green", text });
                      }}
                    />
                  ) : (
                    <ViewRow
                      key={b.id}
                      branch={b}
                      onEdit={() => {
                        setNotice(null);
                        setEditing(b.id);
                      }}
                      onNotice={setNotice}
                    />
                  ),
                )}
              </tbody>
            </Table>
          )}
        </QueryState>
      </div>
    </div>
  );
}

function AddBranch({ onAdded }: { onAdded: (b: Branch) => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [values, setValues] = useState<Values>(empty);
  const { errors, banner, validate, onServerError, clearError } = useFormErrors();
  const create = useMutation(
    trpc.branches.create.mutationOptions({
      onSuccess: async (b) => {
        setValues(empty);
        onAdded(b);
        await invalidate();
      },
      onError: onServerError,
    }),
  );
  const set = (k: keyof Values, v: string) => {
    setValues((s) => ({ ...s, [k]: v }));
    clearError(k);
  };
  return (
    <Card title="Новый филиал">
      <form
        noValidate
        className="flex flex-wrap items-start gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const data = validate(branchFieldsSchema, values);
          if (data) create.mutate(data);
        }}
      >
        <div className="w-full sm:w-40">
          <TextField
            label="Код"
            value={values.code}
            onChange={(e) => set("code", e.target.value)}
            error={errors.code}
            maxLength={30}
          />
        </div>
        <div className="w-full sm:min-w-64 sm:flex-1">
          <TextField
            label="Название"
            value={values.name}
            onChange={(e) => set("name", e.target.value)}
            error={errors.name}
            maxLength={250}
          />
        </div>
        <div className="w-full sm:w-56">
          <TextField
            label="Город"
            value={values.town}
            onChange={(e) => set("town", e.target.value)}
            error={errors.town}
            maxLength={150}
          />
        </div>
        <Button type="submit" disabled={create.isPending} className="mt-[1.3rem]">
          {create.isPending ? "Добавление…" : "Добавить"}
        </Button>
      </form>
      {banner && (
        <div className="mt-3">
          <Alert>{banner}</Alert>
        </div>
      )}
    </Card>
  );
}

function ViewRow({
  branch: b,
  onEdit,
  onNotice,
}: {
  branch: Branch;
  onEdit: () => void;
  onNotice: (n: { tone: "green" | "red"; text: string } | null) => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.branches.delete.mutationOptions({
      onSuccess: async () => {
        onNotice({ tone: "green", text: `Филиал «${b.name}» удалён` });
        await invalidate();
      },
      onError: (e) => {
        setConfirming(false);
        onNotice({ tone: "red", text: serverErrors(e).message ?? "Не удалось удалить филиал" });
      },
    }),
  );
  return (
    <tr>
      <td className="font-mono text-xs">{b.code}</td>
      <td className="font-medium">{b.name}</td>
      <td>{b.town}</td>
      <td className="text-right whitespace-nowrap">
        {confirming ? (
          <span className="inline-flex items-center gap-2">
            <span className="text-slate-600">Удалить?</span>
            <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: b.id })}>
              {remove.isPending ? "Удаление…" : "Да, удалить"}
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Нет
            </Button>
          </span>
        ) : (
          <span className="inline-flex gap-1">
            <Button variant="ghost" onClick={onEdit} aria-label={`Изменить филиал ${b.name}`}>
              Изменить
            </Button>
            <Button
              variant="ghost"
              className="text-red-700 hover:bg-red-50"
              onClick={() => {
                onNotice(null);
                setConfirming(true);
              }}
              aria-label={`Удалить филиал ${b.name}`}
            >
              Удалить
            </Button>
          </span>
        )}
      </td>
    </tr>
  );
}

function EditRow({ branch: b, onDone }: { branch: Branch; onDone: (notice?: string) => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [values, setValues] = useState<Values>({ code: b.code, name: b.name, town: b.town });
  const { errors, banner, validate, onServerError } = useFormErrors();
  const update = useMutation(
    trpc.branches.update.mutationOptions({
      onSuccess: async (r) => {
        await invalidate();
        onDone(`Филиал «${r.name}» сохранён`);
      },
      onError: onServerError,
    }),
  );
  const save = () => {
    const data = validate(branchFieldsSchema, values);
    if (data) update.mutate({ ...data, id: b.id });
  };
  const cell = (k: keyof Values, label: string) => (
    <td className="align-top">
      <Input
        aria-label={label}
        value={values[k]}
        onChange={(e) => setValues((s) => ({ ...s, [k]: e.target.value }))}
        onKeyDown={(e) => {
          if (e.key === "Enter") save();
          if (e.key === "Escape") onDone();
        }}
        aria-invalid={errors[k] ? true : undefined}
        className="w-full"
        autoFocus={k === "name"}
      />
      {errors[k] && (
        <p className="mt-0.5 text-xs text-red-600" role="alert">
          {errors[k][0]}
        </p>
      )}
      {k === "code" && banner && (
        <p className="mt-0.5 text-xs text-red-600" role="alert">
          {banner}
        </p>
      )}
    </td>
  );
  return (
    <tr className="bg-blue-50/40">
      {cell("code", "Код филиала")}
      {cell("name", "Название филиала")}
      {cell("town", "Город филиала")}
      <td className="text-right align-top whitespace-nowrap">
        <span className="inline-flex gap-1">
          <Button onClick={save} disabled={update.isPending}>
            {update.isPending ? "Сохранение…" : "Сохранить"}
          </Button>
          <Button variant="secondary" onClick={() => onDone()}>
            Отмена
          </Button>
        </span>
      </td>
    </tr>
  );
}
