"use client";
import { Empty, QueryError, Spinner } from "./ui";

export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => Promise<unknown>;
}

/**
 * The loading → error (with «Повторить») → empty → content ladder every list and card repeats. `empty` is shown when
 * `isEmpty(data)` holds (by default: an empty array); `framed` puts the empty text in the white list frame.
 */
export function QueryState<T>({
  query,
  empty,
  isEmpty = (d) => Array.isArray(d) && d.length === 0,
  framed = true,
  children,
}: {
  query: QueryLike<T>;
  empty?: React.ReactNode;
  isEmpty?: (data: T) => boolean;
  framed?: boolean;
  children: (data: T) => React.ReactNode;
}) {
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending || query.data === undefined) return <Spinner />;
  if (empty !== undefined && isEmpty(query.data)) {
    return framed ? (
      <div className="rounded-lg border border-slate-200 bg-white">
        <Empty>{empty}</Empty>
      </div>
    ) : (
      <Empty>{empty}</Empty>
    );
  }
  return <>{children(query.data)}</>;
}
