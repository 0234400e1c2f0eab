import { z } from "zod";

export const branchFieldsSchema = z.object({
  code: z.string().trim().min(1, "Укажите код филиала").max(30, "Не длиннее 30 символов"),
  name: z.string().trim().min(1, "Укажите название филиала").max(250, "Не длиннее 250 символов"),
  town: z.string().trim().min(1, "Укажите город").max(150, "Не длиннее 150 символов"),
});
export const updateBranchSchema = branchFieldsSchema.extend({ id: z.number().int().positive() });
export const branchIdSchema = z.object({ id: z.number().int().positive() });
