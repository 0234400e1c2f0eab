export { listBranches } from "./list";
export { createBranch } from "./create";
export { updateBranch } from "./update";
export { deleteBranch } from "./delete";
