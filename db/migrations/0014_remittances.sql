CREATE TABLE "remittance_lines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "remittance_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"remittance_id" integer NOT NULL,
	"company_id" integer NOT NULL,
	"line_no" integer NOT NULL,
	"partner_order_code" text NOT NULL,
	"order_id" bigint,
	"cod_collected" numeric(12, 2) NOT NULL,
	"transfer_sum" numeric(12, 2) NOT NULL,
	"total_without_agent" numeric(12, 2),
	"commission" numeric(12, 2) NOT NULL,
	"cod_expected" numeric(12, 2),
	"problem" text
);
--> statement-breakpoint
CREATE TABLE "remittances" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "remittances_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"integration_id" integer,
	"integrator" text NOT NULL,
	"number" text NOT NULL,
	"payment_date" date,
	"payment_order_number" text,
	"total" numeric(14, 2) NOT NULL,
	"cod_total" numeric(14, 2) NOT NULL,
	"transfer_total" numeric(14, 2) NOT NULL,
	"commission_total" numeric(14, 2) NOT NULL,
	"line_count" integer NOT NULL,
	"problem_count" integer NOT NULL,
	"problem" text,
	"source" text NOT NULL,
	"file_name" text,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "agent_price" numeric(12, 2);--> statement-breakpoint
ALTER TABLE "remittance_lines" ADD CONSTRAINT "remittance_lines_remittance_id_remittances_id_fk" FOREIGN KEY ("remittance_id") REFERENCES "public"."remittances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remittance_lines" ADD CONSTRAINT "remittance_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remittances" ADD CONSTRAINT "remittances_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remittances" ADD CONSTRAINT "remittances_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remittances" ADD CONSTRAINT "remittances_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "remittance_lines_doc_idx" ON "remittance_lines" USING btree ("remittance_id","line_no");--> statement-breakpoint
CREATE INDEX "remittance_lines_order_idx" ON "remittance_lines" USING btree ("company_id","order_id") WHERE "remittance_lines"."order_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "remittances_company_integration_number_uq" ON "remittances" USING btree ("company_id","integration_id","number");--> statement-breakpoint
CREATE INDEX "remittances_company_id_idx" ON "remittances" USING btree ("company_id","id" DESC NULLS LAST);