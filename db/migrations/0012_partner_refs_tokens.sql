CREATE TABLE "partner_tokens" (
	"integration_id" integer PRIMARY KEY NOT NULL,
	"company_id" integer NOT NULL,
	"sealed_token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "integration_sync" ADD COLUMN "partner_state" jsonb;--> statement-breakpoint
ALTER TABLE "transfers" ADD COLUMN "partner_ref" text;--> statement-breakpoint
ALTER TABLE "transfers" ADD COLUMN "partner_details" jsonb;--> statement-breakpoint
ALTER TABLE "partner_tokens" ADD CONSTRAINT "partner_tokens_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "transfers_partner_code_idx" ON "transfers" USING btree ("integration_id","partner_order_code");