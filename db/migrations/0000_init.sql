CREATE TYPE "public"."staff_role" AS ENUM('admin', 'operator');--> statement-breakpoint
CREATE TYPE "public"."client_kind" AS ENUM('shop', 'courier');--> statement-breakpoint
CREATE TYPE "public"."payment_intermediary" AS ENUM('none', 'pimpay');--> statement-breakpoint
CREATE TYPE "public"."manifest_state" AS ENUM('draft', 'assembled', 'sent');--> statement-breakpoint
CREATE TYPE "public"."pay_type" AS ENUM('CASH', 'CARD', 'NO', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."status_source" AS ENUM('cabinet', 'api', 'agent', 'system');--> statement-breakpoint
CREATE TABLE "companies" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "companies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"extra_code" integer NOT NULL,
	"inn" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "companies_extra_code_positive" CHECK ("companies"."extra_code" > 0)
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "login_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"ip" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "staff_users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"login" text NOT NULL,
	"password_hash" text NOT NULL,
	"name" text NOT NULL,
	"role" "staff_role" DEFAULT 'operator' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clients" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "clients_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"name" text NOT NULL,
	"kind" "client_kind" DEFAULT 'shop' NOT NULL,
	"inn" text,
	"currency" text DEFAULT 'RUB' NOT NULL,
	"payment_intermediary" "payment_intermediary" DEFAULT 'none' NOT NULL,
	"contact_person" text,
	"phone" text,
	"email" text,
	"address" text,
	"login" text,
	"password_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "branches" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "branches_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"town" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "manifests" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "manifests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"number" text NOT NULL,
	"creating_branch_id" integer,
	"responsible_branch_id" integer NOT NULL,
	"state" "manifest_state" DEFAULT 'draft' NOT NULL,
	"send_date" date,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"company_id" integer NOT NULL,
	"name" text NOT NULL,
	"article" text,
	"barcode" text,
	"quantity" numeric(12, 3) DEFAULT '1' NOT NULL,
	"mass" numeric(10, 3),
	"retail_price" numeric(12, 2) DEFAULT '0' NOT NULL,
	"vat_rate" smallint
);
--> statement-breakpoint
CREATE TABLE "order_number_counters" (
	"company_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"last" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_packages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_packages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"company_id" integer NOT NULL,
	"barcode" text,
	"mass" numeric(10, 3),
	"length" numeric(8, 1),
	"width" numeric(8, 1),
	"height" numeric(8, 1),
	"quantity" integer DEFAULT 1 NOT NULL,
	"message" text
);
--> statement-breakpoint
CREATE TABLE "order_status_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_status_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" bigint NOT NULL,
	"company_id" integer NOT NULL,
	"status" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"source" "status_source" NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 100001 CACHE 1),
	"company_id" integer NOT NULL,
	"client_id" integer NOT NULL,
	"number" text NOT NULL,
	"year" smallint NOT NULL,
	"barcode" text,
	"department" text,
	"sender_company" text,
	"sender_person" text,
	"sender_phone" text,
	"sender_town" text,
	"sender_address" text,
	"sender_zip" text,
	"sender_date" date,
	"sender_time_min" text,
	"sender_time_max" text,
	"receiver_company" text,
	"receiver_person" text,
	"receiver_phone" text,
	"receiver_town" text,
	"receiver_region_code" text,
	"receiver_address" text,
	"receiver_zip" text,
	"receiver_pvz" text,
	"receiver_date" date,
	"receiver_time_min" text,
	"receiver_time_max" text,
	"weight" numeric(10, 3) DEFAULT '0' NOT NULL,
	"quantity" integer DEFAULT 1 NOT NULL,
	"cod_amount" numeric(12, 2) DEFAULT '0' NOT NULL,
	"declared_value" numeric(12, 2) DEFAULT '0' NOT NULL,
	"delivery_price" numeric(12, 2) DEFAULT '0' NOT NULL,
	"pay_type" "pay_type" DEFAULT 'CASH' NOT NULL,
	"service_code" integer,
	"enclosure" text,
	"instruction" text,
	"status" text DEFAULT 'NEW' NOT NULL,
	"status_at" timestamp with time zone DEFAULT now() NOT NULL,
	"responsible_branch_id" integer,
	"manifest_id" integer,
	"source" "status_source" DEFAULT 'cabinet' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients" ADD CONSTRAINT "clients_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branches" ADD CONSTRAINT "branches_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manifests" ADD CONSTRAINT "manifests_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manifests" ADD CONSTRAINT "manifests_creating_branch_id_branches_id_fk" FOREIGN KEY ("creating_branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manifests" ADD CONSTRAINT "manifests_responsible_branch_id_branches_id_fk" FOREIGN KEY ("responsible_branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_number_counters" ADD CONSTRAINT "order_number_counters_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_packages" ADD CONSTRAINT "order_packages_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_status_history" ADD CONSTRAINT "order_status_history_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_responsible_branch_id_branches_id_fk" FOREIGN KEY ("responsible_branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_manifest_id_manifests_id_fk" FOREIGN KEY ("manifest_id") REFERENCES "public"."manifests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "companies_extra_code_uq" ON "companies" USING btree ("extra_code");--> statement-breakpoint
CREATE INDEX "login_attempts_key_at_idx" ON "login_attempts" USING btree ("key","at");--> statement-breakpoint
CREATE INDEX "login_attempts_ip_at_idx" ON "login_attempts" USING btree ("ip","at");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_users_company_login_uq" ON "staff_users" USING btree ("company_id","login");--> statement-breakpoint
CREATE UNIQUE INDEX "clients_company_login_uq" ON "clients" USING btree ("company_id","login") WHERE "clients"."login" is not null;--> statement-breakpoint
CREATE INDEX "clients_company_name_idx" ON "clients" USING btree ("company_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "branches_company_code_uq" ON "branches" USING btree ("company_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "manifests_company_number_uq" ON "manifests" USING btree ("company_id","number");--> statement-breakpoint
CREATE INDEX "manifests_company_id_idx" ON "manifests" USING btree ("company_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "order_items_order_idx" ON "order_items" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "order_number_counters_uq" ON "order_number_counters" USING btree ("company_id","year");--> statement-breakpoint
CREATE INDEX "order_packages_order_idx" ON "order_packages" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "order_status_history_order_idx" ON "order_status_history" USING btree ("order_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_company_year_number_uq" ON "orders" USING btree ("company_id","year","number");--> statement-breakpoint
CREATE INDEX "orders_company_id_idx" ON "orders" USING btree ("company_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_company_status_id_idx" ON "orders" USING btree ("company_id","status","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_company_client_id_idx" ON "orders" USING btree ("company_id","client_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_company_created_idx" ON "orders" USING btree ("company_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_company_number_idx" ON "orders" USING btree ("company_id","number" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "orders_manifest_idx" ON "orders" USING btree ("manifest_id") WHERE "orders"."manifest_id" is not null;--> statement-breakpoint
CREATE INDEX "orders_responsible_branch_idx" ON "orders" USING btree ("responsible_branch_id") WHERE "orders"."responsible_branch_id" is not null;