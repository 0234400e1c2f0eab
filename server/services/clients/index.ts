export { listClients } from "./list";
export { getClient } from "./get";
export { createClient } from "./create";
export { updateClient } from "./update";
