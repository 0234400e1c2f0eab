import { getImport, importStep, listImportRows, listImports, setImportMapping } from "../../services/orders/import";
import { importIdSchema, importRowsSchema, setImportMappingSchema } from "../../services/orders/import/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

// The file itself is uploaded to /api/orders/import (a raw body, streamed); these read and drive the import.
export const importsRouter = createTRPCRouter({
  list: companyProcedure.query(({ ctx }) => listImports({ ctx: ctx.service, input: undefined })),
  get: companyProcedure.input(importIdSchema).query(({ ctx, input }) => getImport({ ctx: ctx.service, input })),
  rows: companyProcedure.input(importRowsSchema).query(({ ctx, input }) => listImportRows({ ctx: ctx.service, input })),
  setMapping: companyProcedure
    .input(setImportMappingSchema)
    .mutation(({ ctx, input }) => setImportMapping({ ctx: ctx.service, input })),
  step: companyProcedure.input(importIdSchema).mutation(({ ctx, input }) => importStep({ ctx: ctx.service, input })),
});
