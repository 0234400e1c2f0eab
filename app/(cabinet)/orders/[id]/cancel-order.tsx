"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorInfo } from "@/components/errors";
import { IntegrationModal } from "@/components/integration-modal";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { Alert, Button } from "@/components/ui";

type Order = RouterOutputs["orders"]["get"];
export type CancelOutcome = RouterOutputs["orders"]["cancel"]["outcome"];

/**
 * «Отменить заказ» with a confirmation, for staff and for the client's own order alike: the server's lifecycle decides
 * whether it is cancelled here at once or the cancellation goes to the partner. Disabled (with the reason) while a
 * cancellation is on its way.
 */
export function CancelOrderButton({ order, onDone }: { order: Order; onDone: (outcome: CancelOutcome) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation(
    trpc.orders.cancel.mutationOptions({
      onSuccess: (r) => {
        setConfirming(false);
        onDone(r.outcome);
      },
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.sync.pathKey() }),
        ]),
    }),
  );
  const err = errorInfo(cancel.error).message;
  const blocked = !order.canCancel;
  return (
    <>
      <Button
        variant="danger"
        disabled={blocked || cancel.isPending}
        title={blocked ? (order.cancelBlockedReason ?? undefined) : undefined}
        onClick={() => (cancel.reset(), setConfirming(true))}
      >
        Отменить заказ
      </Button>
      {confirming && (
        <IntegrationModal title={`Отменить заказ ${order.number}?`} onClose={() => setConfirming(false)}>
          <div className="flex flex-col gap-3">
            <p className="text-slate-700">
              Если заказ уже передан партнёру, отмена будет отправлена ему, и заказ станет отменённым, когда партнёр
              подтвердит. Иначе заказ отменится сразу.
            </p>
            {err && <Alert>{err}</Alert>}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setConfirming(false)}>
                Не отменять
              </Button>
              <Button variant="danger" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: order.id })}>
                {cancel.isPending ? "Отменяю…" : "Да, отменить заказ"}
              </Button>
            </div>
          </div>
        </IntegrationModal>
      )}
    </>
  );
}

/** What became of a cancellation: this session's answer, or the partner's standing one (pending, refused). */
export function CancelOutcomeNote({ order: o, outcome }: { order: Order; outcome: CancelOutcome | null }) {
  const c = o.cancellation;
  let note: React.ReactNode = null;
  if (outcome === "cancelled" || outcome === "already") note = <Alert tone="green">Заказ отменён</Alert>;
  else if (outcome === "requested" || c) {
    if (o.status === "CANCELED") note = <Alert tone="green">Партнёр подтвердил отмену — заказ отменён</Alert>;
    else if (c?.state === "failed") note = <Alert>{c.message ?? "Партнёр не отменил заказ"}</Alert>;
    else if (outcome === "requested" || c?.state === "pending") {
      note = <Alert tone="blue">Отмена отправлена партнёру — статус изменится, когда партнёр подтвердит</Alert>;
    }
  }
  if (!note) return null;
  return (
    <div className="mb-4" data-testid="cancel-outcome">
      {note}
    </div>
  );
}
