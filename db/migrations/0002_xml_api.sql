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
ALTER TABLE "branches" ADD COLUMN "agent_client_id" integer;--> statement-breakpoint
ALTER TABLE "api_settings" ADD CONSTRAINT "api_settings_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_cursors" ADD CONSTRAINT "feed_cursors_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_cursors" ADD CONSTRAINT "feed_cursors_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_extras" ADD CONSTRAINT "order_extras_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_zones" ADD CONSTRAINT "tariff_zones_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariffs" ADD CONSTRAINT "tariffs_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ref_towns" ADD CONSTRAINT "ref_towns_region_code_ref_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."ref_regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_changes_company_txid_idx" ON "order_changes" USING btree ("company_id","txid");--> statement-breakpoint
CREATE INDEX "order_changes_at_idx" ON "order_changes" USING btree ("at");--> statement-breakpoint
CREATE INDEX "tariff_zones_company_idx" ON "tariff_zones" USING btree ("company_id","town_to");--> statement-breakpoint
CREATE INDEX "tariffs_company_service_idx" ON "tariffs" USING btree ("company_id","service_code");--> statement-breakpoint
CREATE INDEX "ref_towns_search_idx" ON "ref_towns" USING btree ("search_name");--> statement-breakpoint
CREATE INDEX "ref_towns_zip_idx" ON "ref_towns" USING btree ("zip");--> statement-breakpoint
CREATE INDEX "ref_towns_region_idx" ON "ref_towns" USING btree ("region_code");--> statement-breakpoint
ALTER TABLE "branches" ADD CONSTRAINT "branches_agent_client_id_clients_id_fk" FOREIGN KEY ("agent_client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;