ALTER TABLE "inbound_orders" ADD COLUMN "pushed_status" text;--> statement-breakpoint
ALTER TABLE "inbound_orders" ADD COLUMN "pushed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbound_orders" ADD COLUMN "push_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_orders" ADD COLUMN "push_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbound_orders" ADD COLUMN "push_error" text;