export { changeClientPassword } from "./change-password";
export { getIntegrationValues } from "./values";
