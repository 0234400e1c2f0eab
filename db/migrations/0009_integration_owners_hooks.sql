ALTER TYPE "public"."transfer_state" ADD VALUE 'submitted';--> statement-breakpoint
CREATE TABLE "hook_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hook_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"integration_id" integer NOT NULL,
	"delivery_key" text NOT NULL,
	"body" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
DROP INDEX "integrations_branch_uq";--> statement-breakpoint
ALTER TABLE "integrations" ALTER COLUMN "branch_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "owner_kind" text DEFAULT 'branch' NOT NULL;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "client_id" integer;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "hook_key" text DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') NOT NULL;--> statement-breakpoint
ALTER TABLE "hook_deliveries" ADD CONSTRAINT "hook_deliveries_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hook_deliveries" ADD CONSTRAINT "hook_deliveries_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "hook_deliveries_key_uq" ON "hook_deliveries" USING btree ("integration_id","delivery_key");--> statement-breakpoint
CREATE INDEX "hook_deliveries_due_idx" ON "hook_deliveries" USING btree ("integration_id","id") WHERE "hook_deliveries"."processed_at" is null;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_client_uq" ON "integrations" USING btree ("client_id","integrator") WHERE "integrations"."owner_kind" = 'client';--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_company_owner_uq" ON "integrations" USING btree ("company_id","integrator") WHERE "integrations"."owner_kind" = 'company';--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_hook_key_uq" ON "integrations" USING btree ("hook_key");--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_branch_uq" ON "integrations" USING btree ("branch_id") WHERE "integrations"."owner_kind" = 'branch';--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_owner_chk" CHECK (("integrations"."owner_kind" = 'branch' and "integrations"."branch_id" is not null and "integrations"."client_id" is null)
        or ("integrations"."owner_kind" = 'client' and "integrations"."client_id" is not null and "integrations"."branch_id" is null)
        or ("integrations"."owner_kind" = 'company' and "integrations"."branch_id" is null and "integrations"."client_id" is null));