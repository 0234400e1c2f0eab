import syncCancel from "./sync-cancel";
import syncHooks from "./sync-hooks";
import syncInbound from "./sync-inbound";
import syncPayments from "./sync-payments";
import syncPoll from "./sync-poll";
import syncResolve from "./sync-resolve";
import syncShopStatus from "./sync-shop-status";
import syncSubscriptions from "./sync-subscriptions";
import syncSweep from "./sync-sweep";
import syncTick from "./sync-tick";
import syncTransfer from "./sync-transfer";
import sweepLoginAttempts from "./sweep-login-attempts";
import sweepOrderChanges from "./sweep-order-changes";
import sweepOrderImports from "./sweep-order-imports";
import type { Job } from "./types";

/** Every job the worker runs; a new one is a file in this folder and a line here. */
export const JOBS: readonly Job[] = [
  syncTransfer,
  syncCancel,
  syncPoll,
  syncResolve,
  syncHooks,
  syncInbound,
  syncShopStatus,
  syncPayments,
  syncTick,
  syncSweep,
  syncSubscriptions,
  sweepLoginAttempts,
  sweepOrderChanges,
  sweepOrderImports,
];
