import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto mt-16 max-w-md px-4 text-center">
      <p className="text-4xl font-semibold text-slate-300">404</p>
      <h1 className="mt-2 text-lg font-semibold text-slate-900">Страница не найдена</h1>
      <p className="mt-1 text-slate-600">Проверьте адрес или начните с главной страницы кабинета.</p>
      <Link href="/orders" className="mt-4 inline-block text-blue-700 hover:underline">
        В личный кабинет
      </Link>
    </main>
  );
}
