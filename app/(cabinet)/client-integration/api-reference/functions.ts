/**
 * Our own concise reference of the XML API functions this server answers (server/xmlapi/handler.ts FUNCTIONS), with
 * request and answer samples. `{EXTRA}`, `{LOGIN}` and `{PASS}` are filled with the viewer's values on the page.
 */
export interface ApiFunction {
  name: string;
  auth: "login" | "extra" | "none";
  summary: string;
  request: string;
  response: string;
  notes?: string;
}

const AUTH = '<auth extra="{EXTRA}" login="{LOGIN}" pass="{PASS}"/>';

export const API_FUNCTIONS: ApiFunction[] = [
  {
    name: "neworder",
    auth: "login",
    summary: "Создать заказы: несколько <order> в одном запросе, каждый принимается или отклоняется отдельно.",
    request: `<neworder>
  ${AUTH}
  <order orderno="A-17">
    <receiver>
      <person>Иванов Иван</person><phone>+7 900 000-00-00</phone>
      <town>Тверь</town><address>ул. Ленина, д. 5</address>
    </receiver>
    <weight>0.8</weight><quantity>1</quantity><paytype>CASH</paytype>
    <price>1990</price><deliveryprice>250</deliveryprice>
    <items><item article="SKU-9" quantity="1" mass="0.8" retprice="1990" VATrate="20">Лампа</item></items>
  </order>
</neworder>`,
    response: `<neworder>
  <createorder orderno="A-17" barcode="A-17" ordercode="100301" orderprice="2240"
               error="0" errormsg="Success" errormsgru="Успешно"/>
</neworder>`,
    notes:
      "Пустой orderno — номер присвоит служба. Номер уникален для клиента в пределах года (повтор — код 17). Не больше 2000 заказов в запросе.",
  },
  {
    name: "editorder",
    auth: "login",
    summary: "Заменить данные заказа, пока он не взят в работу. Тело как у neworder.",
    request: `<editorder>
  ${AUTH}
  <order orderno="A-17">…те же поля, что в neworder…</order>
</editorder>`,
    response: `<editorder>
  <createorder orderno="A-17" ordercode="100301" error="0" errormsg="Success" errormsgru="Успешно"/>
</editorder>`,
    notes: "52 — заказ не найден, 53 — заказ уже в работе.",
  },
  {
    name: "cancelorder",
    auth: "login",
    summary: "Отменить заказы по orderno или ordercode.",
    request: `<cancelorder>
  ${AUTH}
  <order orderno="A-17"/>
</cancelorder>`,
    response: `<cancelorder count="1">
  <order orderno="A-17" ordercode="100301" error="0" errormsg="OK" errormsgru="Успешно"/>
</cancelorder>`,
    notes: "Заказ, уже переданный партнёру, отменяется через партнёра: статус CANCELED появится после его ответа.",
  },
  {
    name: "statusreq",
    auth: "login",
    summary: "Найти заказы и узнать статус с историей; с <changes>ONLY_LAST</changes> — лента изменений.",
    request: `<statusreq>
  ${AUTH}
  <orderno>A-17</orderno>
</statusreq>`,
    response: `<statusreq count="1">
  <order orderno="A-17" ordercode="100301">
    …
    <status eventtime="2026-06-03 10:20:00" title="Выдан курьеру">DELIVERY</status>
    <statushistory>…</statushistory>
  </order>
</statusreq>`,
    notes:
      "Фильтры: orderno, ordercode, datefrom/dateto, done (ONLY_DONE, ONLY_NOT_DONE, ONLY_NEW, ONLY_DELIVERY). Лента: <changes>ONLY_LAST</changes> и <streamid>, затем commitlaststatus.",
  },
  {
    name: "commitlaststatus",
    auth: "login",
    summary: "Подтвердить получение последней порции ленты изменений: следующий опрос вернёт только новое.",
    request: `<commitlaststatus>
  ${AUTH}
  <streamid>100</streamid>
</commitlaststatus>`,
    response: `<commitlaststatus error="0" errormsg="OK" errormsgru="Успешно"/>`,
  },
  {
    name: "setorderinfo",
    auth: "login",
    summary: "Для партнёрских служб: сообщить статус переданного вам заказа.",
    request: `<setorderinfo>
  ${AUTH}
  <order ordercode="100010">
    <status>DELIVERY</status><eventtime>2026-06-03 10:20:00</eventtime><message>Выдан курьеру</message>
  </order>
</setorderinfo>`,
    response: `<setorderinfo>
  <order ordercode="100010" status="DELIVERY" error="0" errormsg="OK" errormsgru="Успешно"/>
</setorderinfo>`,
  },
  {
    name: "calculator",
    auth: "login",
    summary: "Стоимость и сроки доставки по тарифам службы.",
    request: `<calculator>
  ${AUTH}
  <calc townfrom="Москва" townto="Тверь" mass="0.8" l="20" w="15" h="10"/>
</calculator>`,
    response: `<calculator count="1">
  <calc townfrom="Москва" townto="Тверь" service="1" servicename="Стандарт" price="350"
        mindeliverydays="1" maxdeliverydays="2">…</calc>
</calculator>`,
    notes: "15 — нет тарифа, 21/22 — город отправления/назначения не найден.",
  },
  {
    name: "services",
    auth: "extra",
    summary: "Режимы доставки службы (коды для поля service).",
    request: `<services><auth extra="{EXTRA}"/></services>`,
    response: `<services>…<service>…</service>…</services>`,
  },
  {
    name: "client",
    auth: "login",
    summary: "Код клиента, под которым вы вошли.",
    request: `<client>${AUTH}</client>`,
    response: `<client>…</client>`,
  },
  {
    name: "tracking",
    auth: "none",
    summary: "Анонимное отслеживание: статус и города, без имён, телефонов и адресов.",
    request: `<tracking><extra>{EXTRA}</extra><orderno>A-17</orderno></tracking>`,
    response: `<tracking count="1">…</tracking>`,
  },
  {
    name: "townlist",
    auth: "none",
    summary: "Справочник городов (поиск по началу или части названия, коду региона, индексу).",
    request: `<townlist>
  <conditions><namestarts>Твер</namestarts></conditions>
  <limit><limitcount>10</limitcount></limit>
</townlist>`,
    response: `<townlist count="…">…<town>…</town>…</townlist>`,
  },
  {
    name: "regionlist",
    auth: "none",
    summary: "Справочник регионов.",
    request: `<regionlist><conditions><namecontains>Москов</namecontains></conditions></regionlist>`,
    response: `<regionlist count="…">…</regionlist>`,
  },
  {
    name: "streetlist",
    auth: "extra",
    summary: "Улицы города из недавних заказов службы.",
    request: `<streetlist>
  <auth extra="{EXTRA}"/>
  <conditions><town>Москва</town><namestarts>Лен</namestarts></conditions>
</streetlist>`,
    response: `<streetlist count="…">…</streetlist>`,
  },
];

export const AUTH_TITLES = { login: "логин и пароль", extra: "только код службы", none: "без входа" } as const;

export const REQUEST_ERRORS: [number, string][] = [
  [1, "некорректный XML или документ больше допустимого"],
  [12, "неверная дата или время"],
  [13, "внутренняя ошибка сервера (повторите позже)"],
  [14, "неизвестная функция (корневой элемент)"],
  [24, "не указан логин"],
  [25, "ошибка авторизации: код службы, логин или пароль"],
  [34, "неверный streamid"],
  [40, "больше 2000 заказов в одном запросе"],
];

export function fillSample(text: string, v: { extra: number; login: string }): string {
  return text.replaceAll("{EXTRA}", String(v.extra)).replaceAll("{LOGIN}", v.login).replaceAll("{PASS}", "ПАРОЛЬ");
}
