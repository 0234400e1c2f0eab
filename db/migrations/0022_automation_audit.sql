ALTER TABLE "integration_audit" ALTER COLUMN "branch_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "integration_audit" ADD COLUMN "client_id" integer;--> statement-breakpoint
CREATE INDEX "integration_audit_integration_idx" ON "integration_audit" USING btree ("company_id","integration_id","id" DESC NULLS LAST);