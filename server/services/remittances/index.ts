export { listRemittances } from "./list";
export { getRemittance } from "./get";
export { listRemittanceLines } from "./lines";
export { listCdekIntegrations } from "./integrations";
export { previewRemittance } from "./preview";
export { applyRemittance } from "./apply";
