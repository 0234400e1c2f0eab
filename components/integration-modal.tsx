"use client";
import { useEffect, useId } from "react";

/** A plain modal: overlay, Escape closes, labelled by its title for screen readers and tests. */
export function IntegrationModal({
  title,
  onClose,
  children,
  wide = false,
}: {
  title: React.ReactNode;
  onClose: () => void;
  children: React.ReactNode;
  wide?: boolean;
}) {
  const titleId = useId();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div
      className="fixed inset-0 z-40 flex items-start justify-center overflow-y-auto bg-slate-900/40 p-4 pt-16"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        className={`w-full ${wide ? "max-w-3xl" : "max-w-xl"} rounded-lg bg-white shadow-xl`}
      >
        <header className="flex items-center justify-between border-b border-slate-100 px-4 py-3">
          <h2 id={titleId} className="font-semibold text-slate-900">
            {title}
          </h2>
          <button
            type="button"
            aria-label="Закрыть"
            className="rounded px-2 py-1 text-slate-500 hover:bg-slate-100"
            onClick={onClose}
          >
            ✕
          </button>
        </header>
        <div className="p-4">{children}</div>
      </div>
    </div>
  );
}
