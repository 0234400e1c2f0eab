CREATE TYPE "public"."transfer_cancel_state" AS ENUM('none', 'pending', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."transfer_state" AS ENUM('waiting', 'pending', 'sending', 'sent', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "integration_audit" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "integration_audit_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"branch_id" integer NOT NULL,
	"integration_id" integer,
	"integrator" text NOT NULL,
	"actor_user_id" integer,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"detail" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "integrations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"branch_id" integer NOT NULL,
	"integrator" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secrets" text,
	"health_status" text DEFAULT 'unknown' NOT NULL,
	"health_message" text,
	"health_checked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrations_health_status_chk" CHECK ("integrations"."health_status" in ('unknown', 'ok', 'error', 'unreachable'))
);
--> statement-breakpoint
CREATE TABLE "integration_sync" (
	"integration_id" integer PRIMARY KEY NOT NULL,
	"company_id" integer NOT NULL,
	"last_success_at" timestamp with time zone,
	"last_poll_at" timestamp with time zone,
	"last_error_at" timestamp with time zone,
	"last_error" text,
	"poll_failures" integer DEFAULT 0 NOT NULL,
	"next_poll_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"integration_id" integer NOT NULL,
	"order_id" bigint,
	"kind" text NOT NULL,
	"ok" boolean NOT NULL,
	"request" text NOT NULL,
	"result" text NOT NULL,
	"duration_ms" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "transfers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"order_id" bigint NOT NULL,
	"integration_id" integer NOT NULL,
	"state" "transfer_state" DEFAULT 'pending' NOT NULL,
	"partner_number" text NOT NULL,
	"partner_order_code" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_attempt_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"last_error" text,
	"cancel_state" "transfer_cancel_state" DEFAULT 'none' NOT NULL,
	"cancel_message" text,
	"cancel_attempts" integer DEFAULT 0 NOT NULL,
	"cancel_next_attempt_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_settings" (
	"company_id" integer PRIMARY KEY NOT NULL,
	"required_fields" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services" (
	"company_id" integer NOT NULL,
	"code" integer NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "services_company_id_code_pk" PRIMARY KEY("company_id","code")
);
--> statement-breakpoint
CREATE TABLE "feed_cursors" (
	"company_id" integer NOT NULL,
	"client_id" integer NOT NULL,
	"mode" text NOT NULL,
	"stream_id" integer NOT NULL,
	"committed_snapshot" "pg_snapshot" DEFAULT '1:1:'::pg_snapshot NOT NULL,
	"polled_snapshot" "pg_snapshot",
	"polled_at" timestamp with time zone,
	"committed_at" timestamp with time zone,
	CONSTRAINT "feed_cursors_company_id_client_id_mode_stream_id_pk" PRIMARY KEY("company_id","client_id","mode","stream_id")
);
--> statement-breakpoint
CREATE TABLE "order_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"order_id" bigint NOT NULL,
	"txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_extras" (
	"order_id" bigint PRIMARY KEY NOT NULL,
	"company_id" integer NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tariff_zones" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tariff_zones_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"town_from" text,
	"town_to" text NOT NULL,
	"zone" smallint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tariffs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tariffs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"service_code" integer NOT NULL,
	"town_from" text,
	"town_to" text,
	"zone" smallint,
	"weight_from" numeric(10, 3) DEFAULT '0' NOT NULL,
	"weight_to" numeric(10, 3),
	"price" numeric(12, 2) NOT NULL,
	"extra_per_kg" numeric(12, 2) DEFAULT '0' NOT NULL,
	"min_days" smallint DEFAULT 1 NOT NULL,
	"max_days" smallint DEFAULT 1 NOT NULL,
	CONSTRAINT "tariffs_weight_range" CHECK ("tariffs"."weight_to" is null or "tariffs"."weight_to" > "tariffs"."weight_from")
);
--> statement-breakpoint
CREATE TABLE "ref_regions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type_short" text NOT NULL,
	"full_name" text NOT NULL,
	"federal_district" text,
	"search_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ref_towns" (
	"code" integer PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type_short" text NOT NULL,
	"full_name" text NOT NULL,
	"region_code" text NOT NULL,
	"area" text,
	"zip" text,
	"kladr_code" text,
	"fias_code" text,
	"population" integer,
	"timezone" text,
	"lat" numeric(10, 7),
	"lon" numeric(10, 7),
	"capital_marker" smallint DEFAULT 0 NOT NULL,
	"search_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reference_datasets" (
	"name" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"rows" integer NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "partner_extra_code" integer;--> statement-breakpoint
ALTER TABLE "branches" ADD COLUMN "agent_client_id" integer;--> statement-breakpoint
ALTER TABLE "integration_audit" ADD CONSTRAINT "integration_audit_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_audit" ADD CONSTRAINT "integration_audit_actor_user_id_staff_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_sync" ADD CONSTRAINT "integration_sync_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_log" ADD CONSTRAINT "sync_log_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_settings" ADD CONSTRAINT "api_settings_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_cursors" ADD CONSTRAINT "feed_cursors_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_cursors" ADD CONSTRAINT "feed_cursors_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_extras" ADD CONSTRAINT "order_extras_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_zones" ADD CONSTRAINT "tariff_zones_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariffs" ADD CONSTRAINT "tariffs_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ref_towns" ADD CONSTRAINT "ref_towns_region_code_ref_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."ref_regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "integration_audit_branch_idx" ON "integration_audit" USING btree ("company_id","branch_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_branch_uq" ON "integrations" USING btree ("branch_id");--> statement-breakpoint
CREATE INDEX "integrations_company_idx" ON "integrations" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "sync_log_order_idx" ON "sync_log" USING btree ("company_id","order_id","id");--> statement-breakpoint
CREATE INDEX "sync_log_integration_idx" ON "sync_log" USING btree ("integration_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "transfers_order_integration_uq" ON "transfers" USING btree ("order_id","integration_id");--> statement-breakpoint
CREATE INDEX "transfers_due_idx" ON "transfers" USING btree ("integration_id","state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "transfers_partner_number_idx" ON "transfers" USING btree ("integration_id","partner_number");--> statement-breakpoint
CREATE INDEX "transfers_company_order_idx" ON "transfers" USING btree ("company_id","order_id");--> statement-breakpoint
CREATE INDEX "order_changes_company_txid_idx" ON "order_changes" USING btree ("company_id","txid");--> statement-breakpoint
CREATE INDEX "order_changes_at_idx" ON "order_changes" USING btree ("at");--> statement-breakpoint
CREATE INDEX "tariff_zones_company_idx" ON "tariff_zones" USING btree ("company_id","town_to");--> statement-breakpoint
CREATE INDEX "tariffs_company_service_idx" ON "tariffs" USING btree ("company_id","service_code");--> statement-breakpoint
CREATE INDEX "ref_towns_search_idx" ON "ref_towns" USING btree ("search_name");--> statement-breakpoint
CREATE INDEX "ref_towns_zip_idx" ON "ref_towns" USING btree ("zip");--> statement-breakpoint
CREATE INDEX "ref_towns_region_idx" ON "ref_towns" USING btree ("region_code");--> statement-breakpoint
ALTER TABLE "branches" ADD CONSTRAINT "branches_agent_client_id_clients_id_fk" FOREIGN KEY ("agent_client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;