/**
 * The shop platforms whose stock MeaSoft («Курьерская служба 2008») module talks to our XML API. Field names marked
 * `fromSource` are those the integrations wiki (shared/seed) gives for the module family; the others are descriptive.
 */
export type ValueKind = "extra" | "login" | "password" | "apiUrl";

export interface ModuleField {
  field: string;
  value: ValueKind;
  fromSource: boolean;
  note?: string;
}

export interface CmsGuide {
  slug: string;
  title: string;
  /** Where the module comes from and how it is installed; from the protocol note where it says so. */
  install: string[];
  fields: ModuleField[];
}

const CORE_FIELDS: ModuleField[] = [
  { field: "Код курьерской службы", value: "extra", fromSource: true },
  { field: "Логин", value: "login", fromSource: true },
  { field: "Пароль", value: "password", fromSource: true },
  {
    field: "Адрес API",
    value: "apiUrl",
    fromSource: false,
    note: "Штатный модуль обращается к https://home.courierexe.ru/api/, адрес записан в его коде (класс Measoft, метод sendRequest). Замените его на этот адрес.",
  },
];

const SETTINGS_NOTE =
  "Код курьерской службы, логин и пароль выдаёт курьерская служба; введите их в настройках модуля и сохраните.";

export const CMS_GUIDES: CmsGuide[] = [
  {
    slug: "bitrix",
    title: "1С-Битрикс",
    install: [
      "Модуль «Курьерская служба 2008» из Маркетплейса 1С-Битрикс (код модуля measoft.courier), Битрикс версии 14.5 или новее.",
      "Установите модуль штатным способом Битрикс и откройте его настройки.",
      SETTINGS_NOTE,
    ],
    fields: CORE_FIELDS,
  },
  {
    slug: "opencart",
    title: "OpenCart / ocStore",
    install: [
      "Штатный модуль «Курьерская служба 2008» для OpenCart и ocStore 1.5.5.1, 2.0, 2.3 и 3.0 — архив модуля MeaSoft (courierexe.ru/download/api/).",
      "Установите архив штатным способом OpenCart, включите модуль доставки и откройте его настройки.",
      SETTINGS_NOTE,
    ],
    fields: CORE_FIELDS,
  },
  {
    slug: "shopscript",
    title: "Shop-Script (Webasyst)",
    install: [
      "Штатный модуль «Курьерская служба 2008» — модуль из каталога Shop-Script (Webasyst).",
      "Установите его как плагин доставки и откройте его настройки.",
      SETTINGS_NOTE,
    ],
    fields: CORE_FIELDS,
  },
  {
    slug: "prestashop",
    title: "PrestaShop",
    install: [
      "Штатный модуль «Курьерская служба 2008» для PrestaShop 1.5.2 и новее (ветки 1.x и 2.x) — модуль из каталога PrestaShop.",
      "Установите модуль штатным способом PrestaShop и откройте его настройки.",
      SETTINGS_NOTE,
    ],
    fields: CORE_FIELDS,
  },
  {
    slug: "leadvertex",
    title: "LeadVertex",
    install: [
      "Интеграция «Курьерская служба 2008» — модуль из каталога LeadVertex.",
      "Подключите интеграцию в настройках LeadVertex и заполните её поля.",
      SETTINGS_NOTE,
    ],
    fields: CORE_FIELDS,
  },
];

export function cmsGuide(slug: string): CmsGuide | undefined {
  return CMS_GUIDES.find((g) => g.slug === slug);
}
