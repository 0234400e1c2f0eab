import { Card, PageHeader, Table } from "@/components/ui";
import { loadIntegration, type SearchParams } from "../load";
import { API_FUNCTIONS, AUTH_TITLES, fillSample, REQUEST_ERRORS } from "./functions";

const pre = "overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100";

/** The XML API reference in the cabinet, samples filled with the viewer's (or the picked client's) code and login. */
export default async function ApiReferencePage({ searchParams }: { searchParams: SearchParams }) {
  const data = await loadIntegration((await searchParams).client);
  const v = { extra: data.extra, login: data.client?.login ?? "ЛОГИН" };
  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Справочник XML API"
        subtitle="API, совместимый с MeaSoft «Курьерская служба 2008»: на нём работают штатные модули магазинов"
      />
      <Card title="Как обращаться">
        <ul className="list-disc space-y-1 pl-5 text-slate-700">
          <li>
            Адрес: <code className="break-all font-mono">{data.apiUrl}</code> — метод POST, тело — один XML-документ в
            UTF-8.
          </li>
          <li>Функцию выбирает имя корневого элемента; ответ приходит с тем же корневым элементом.</li>
          <li>
            Вход — элемент{" "}
            <code className="break-all font-mono">{`<auth extra="${data.extra}" login="…" pass="…"/>`}</code>: код
            службы, логин и пароль клиента.
          </li>
          <li>
            Ошибки приходят с HTTP 200 в атрибутах <code className="font-mono">error</code>,{" "}
            <code className="font-mono">errormsg</code> и <code className="font-mono">errormsgru</code>; тело больше 5
            МБ — HTTP 413.
          </li>
        </ul>
      </Card>
      <Card title="Функции">
        <ul className="flex flex-wrap gap-x-3 gap-y-1">
          {API_FUNCTIONS.map((f) => (
            <li key={f.name}>
              <a href={`#${f.name}`} className="font-mono text-blue-700 hover:underline">
                {f.name}
              </a>
            </li>
          ))}
        </ul>
      </Card>
      {API_FUNCTIONS.map((f) => (
        <section key={f.name} id={f.name} className="scroll-mt-4" data-testid={`api-fn-${f.name}`}>
          <Card
            title={<span className="font-mono">{f.name}</span>}
            actions={<span className="text-xs text-slate-500">{AUTH_TITLES[f.auth]}</span>}
          >
            <p className="mb-2 text-slate-700">{f.summary}</p>
            {/* minmax(0, 1fr) columns: a long sample scrolls inside its <pre> instead of widening the page. */}
            <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
              <div>
                <div className="mb-1 text-xs font-semibold text-slate-500">Запрос</div>
                <pre className={pre}>{fillSample(f.request, v)}</pre>
              </div>
              <div>
                <div className="mb-1 text-xs font-semibold text-slate-500">Ответ</div>
                <pre className={pre}>{f.response}</pre>
              </div>
            </div>
            {f.notes && <p className="mt-2 text-slate-600">{f.notes}</p>}
          </Card>
        </section>
      ))}
      <Card title="Коды ошибок запроса">
        <Table>
          <tbody>
            {REQUEST_ERRORS.map(([code, text]) => (
              <tr key={code}>
                <td className="w-16 font-mono">{code}</td>
                <td>{text}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>
    </div>
  );
}
