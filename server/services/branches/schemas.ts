import { z } from "zod";
import { int32Id, safeString } from "../primitives";

export const branchFieldsSchema = z.object({
  code: safeString().trim().min(1, "Укажите код филиала").max(30, "Не длиннее 30 символов"),
  name: safeString().trim().min(1, "Укажите название филиала").max(250, "Не длиннее 250 символов"),
  town: safeString().trim().min(1, "Укажите город").max(150, "Не длиннее 150 символов"),
});
export const updateBranchSchema = branchFieldsSchema.extend({ id: int32Id() });
export const branchIdSchema = z.object({ id: int32Id() });
