CREATE TYPE "public"."security_event_kind" AS ENUM('failed', 'blocked', 'slowed');--> statement-breakpoint
CREATE TYPE "public"."sign_in_door" AS ENUM('cabinet', 'xmlapi', 'shop-app');--> statement-breakpoint
CREATE TABLE "auth_throttle" (
	"bucket" text PRIMARY KEY NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"window_start" timestamp with time zone DEFAULT now() NOT NULL,
	"next_slot" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revoked_sessions" (
	"session_id" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "security_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "security_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" integer NOT NULL,
	"period" timestamp with time zone NOT NULL,
	"kind" "security_event_kind" NOT NULL,
	"door" "sign_in_door" NOT NULL,
	"login" text NOT NULL,
	"ip" text NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"first_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "session_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "session_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "security_events" ADD CONSTRAINT "security_events_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "auth_throttle_updated_at_idx" ON "auth_throttle" USING btree ("updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "security_events_uq" ON "security_events" USING btree ("company_id","period","kind","door","login","ip");--> statement-breakpoint
CREATE INDEX "security_events_company_id_idx" ON "security_events" USING btree ("company_id","id");