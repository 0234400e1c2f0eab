export const KIND_TITLES = { shop: "Интернет-магазин", courier: "Курьерская служба" } as const;
export const INTERMEDIARY_TITLES = { none: "Нет", pimpay: "PimPay" } as const;
