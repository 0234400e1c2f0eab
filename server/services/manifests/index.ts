export { listManifests } from "./list";
export { getManifest } from "./get";
export { createManifest } from "./create";
export { addOrdersToManifest } from "./add-orders";
export { removeOrderFromManifest } from "./remove-order";
export { markManifestAssembled } from "./mark-assembled";
export { setManifestSendDate } from "./set-send-date";
