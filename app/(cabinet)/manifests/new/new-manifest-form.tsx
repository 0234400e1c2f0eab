"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc";
import { useFormErrors } from "@/components/use-form-errors";
import { Alert, Button, Card, PageHeader, SelectField, TextareaField, TextField } from "@/components/ui";
import { createManifestSchema } from "@/server/services/manifests/schemas";

export function NewManifestForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const branches = useQuery(trpc.branches.list.queryOptions());
  const [number, setNumber] = useState("");
  const [creatingBranchId, setCreating] = useState("");
  const [responsibleBranchId, setResponsible] = useState("");
  const [comment, setComment] = useState("");
  const { errors, banner, validate, onServerError } = useFormErrors();
  const create = useMutation(
    trpc.manifests.create.mutationOptions({
      onSuccess: async (m) => {
        await queryClient.invalidateQueries({ queryKey: trpc.manifests.pathKey() });
        router.push(`/manifests/${m.id}`);
      },
      onError: onServerError,
    }),
  );

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const input = {
      number,
      creatingBranchId: creatingBranchId ? Number(creatingBranchId) : undefined,
      responsibleBranchId: responsibleBranchId ? Number(responsibleBranchId) : undefined,
      comment,
    };
    const data = validate(createManifestSchema, input);
    if (data) create.mutate(data);
  }

  const branchOptions = branches.data?.map((b) => (
    <option key={b.id} value={b.id}>
      {b.name}
    </option>
  ));
  const saving = create.isPending || create.isSuccess;

  return (
    <form onSubmit={submit} noValidate className="max-w-2xl">
      <div className="mb-1 text-slate-500">
        <Link href="/manifests" className="hover:underline">
          ← Манифесты
        </Link>
      </div>
      <PageHeader title="Новый манифест" />
      {banner && (
        <div className="mb-3">
          <Alert>{banner}</Alert>
        </div>
      )}
      <Card>
        <div className="grid gap-3 md:grid-cols-2">
          <TextField
            label="Номер манифеста"
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            error={errors.number}
            hint="Пусто — номер присвоится автоматически"
            maxLength={50}
          />
          <div />
          <SelectField
            label="Создающий филиал"
            value={creatingBranchId}
            onChange={(e) => setCreating(e.target.value)}
            error={errors.creatingBranchId}
            disabled={branches.isPending}
          >
            <option value="">Не указан</option>
            {branchOptions}
          </SelectField>
          <SelectField
            label="Ответственный филиал"
            value={responsibleBranchId}
            onChange={(e) => setResponsible(e.target.value)}
            error={errors.responsibleBranchId}
            disabled={branches.isPending}
            hint="Получит заказы манифеста при отправке"
          >
            <option value="">{branches.isPending ? "Загрузка…" : "Выберите филиал"}</option>
            {branchOptions}
          </SelectField>
          <div className="md:col-span-2">
            <TextareaField
              label="Комментарий"
              rows={2}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              error={errors.comment}
              maxLength={1000}
            />
          </div>
        </div>
        {branches.data?.length === 0 && (
          <div className="mt-3">
            <Alert tone="amber">
              Филиалов ещё нет. Добавьте их в{" "}
              <Link href="/directories/branches" className="underline">
                справочнике филиалов
              </Link>
              .
            </Alert>
          </div>
        )}
        <div className="mt-4 flex items-center gap-3">
          <Button type="submit" disabled={saving}>
            {saving ? "Создание…" : "Создать манифест"}
          </Button>
          <Link href="/manifests" className="text-slate-600 hover:underline">
            Отмена
          </Link>
        </div>
      </Card>
    </form>
  );
}
