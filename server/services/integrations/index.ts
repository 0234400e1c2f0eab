export { listIntegrations } from "./list";
export { getIntegration, listIntegrationAudit } from "./get";
export { saveIntegration } from "./save";
export { setIntegrationEnabled } from "./set-enabled";
export { checkIntegration } from "./check";
