CREATE TABLE "partner_status_codes" (
	"company_id" integer NOT NULL,
	"integrator" text NOT NULL,
	"code" text NOT NULL,
	"title" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_status_codes_company_id_integrator_code_pk" PRIMARY KEY("company_id","integrator","code")
);
--> statement-breakpoint
CREATE TABLE "status_mappings" (
	"company_id" integer NOT NULL,
	"integrator" text NOT NULL,
	"code" text NOT NULL,
	"status" text NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "status_mappings_company_id_integrator_code_pk" PRIMARY KEY("company_id","integrator","code")
);
--> statement-breakpoint
CREATE TABLE "unmapped_status_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "unmapped_status_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"integration_id" integer NOT NULL,
	"integrator" text NOT NULL,
	"order_id" bigint NOT NULL,
	"code" text NOT NULL,
	"title" text,
	"event_time" timestamp with time zone,
	"comment" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unmapped_status_events_uq" UNIQUE NULLS NOT DISTINCT("integration_id","order_id","code","event_time")
);
--> statement-breakpoint
ALTER TABLE "partner_status_codes" ADD CONSTRAINT "partner_status_codes_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_mappings" ADD CONSTRAINT "status_mappings_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_mappings" ADD CONSTRAINT "status_mappings_updated_by_staff_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unmapped_status_events" ADD CONSTRAINT "unmapped_status_events_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unmapped_status_events" ADD CONSTRAINT "unmapped_status_events_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unmapped_status_events" ADD CONSTRAINT "unmapped_status_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "unmapped_status_events_code_idx" ON "unmapped_status_events" USING btree ("company_id","integrator","code");