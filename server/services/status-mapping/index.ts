export { listStatusMappings, type IntegratorStatusMapping, type StatusMappingRow } from "./list";
export { resetStatusMapping, saveStatusMapping, type MappingOutcome } from "./save";
export { recordPartnerCodes, statusMapper, type StatusBatchSource } from "./record";
