"use client";
import Link from "next/link";
import { useEffect } from "react";

// A crash in one section keeps the cabinet frame and offers a way on; details stay in the server log.
export default function CabinetError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => console.error(error), [error]);
  return (
    <div className="mx-auto mt-10 max-w-md rounded-lg border border-red-200 bg-red-50 p-6 text-center" role="alert">
      <h1 className="text-lg font-semibold text-red-900">Не удалось открыть страницу</h1>
      <p className="mt-1 text-red-900">
        Произошла ошибка на сервере. Попробуйте ещё раз; если ошибка повторяется, сообщите администратору
        {error.digest ? ` код ${error.digest}` : ""}.
      </p>
      <div className="mt-4 flex justify-center gap-4">
        <button type="button" className="text-blue-700 hover:underline" onClick={reset}>
          Повторить
        </button>
        <Link href="/orders" className="text-blue-700 hover:underline">
          К заказам
        </Link>
      </div>
    </div>
  );
}
