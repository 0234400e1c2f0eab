import Link from "next/link";

export default function CabinetNotFound() {
  return (
    <div
      className="mx-auto mt-10 max-w-md rounded-lg border border-slate-200 bg-white p-6 text-center"
      data-testid="not-found"
    >
      <p className="text-4xl font-semibold text-slate-300">404</p>
      <h1 className="mt-2 text-lg font-semibold text-slate-900">Страница не найдена</h1>
      <p className="mt-1 text-slate-600">Такого адреса нет, или запись удалена, или она принадлежит другой службе.</p>
      <Link href="/orders" className="mt-4 inline-block text-blue-700 hover:underline">
        Вернуться к заказам
      </Link>
    </div>
  );
}
