CREATE TABLE "shop_app_installs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shop_app_installs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"app" text NOT NULL,
	"shop_id" text NOT NULL,
	"shop" text NOT NULL,
	"secrets" text NOT NULL,
	"integration_id" integer,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_app_tickets" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"install_id" integer NOT NULL,
	"nonce" text,
	"client_id" integer,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "shop_app_installs" ADD CONSTRAINT "shop_app_installs_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_app_tickets" ADD CONSTRAINT "shop_app_tickets_install_id_shop_app_installs_id_fk" FOREIGN KEY ("install_id") REFERENCES "public"."shop_app_installs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_app_tickets" ADD CONSTRAINT "shop_app_tickets_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "shop_app_installs_shop_uq" ON "shop_app_installs" USING btree ("app","shop_id");--> statement-breakpoint
CREATE INDEX "shop_app_tickets_expires_idx" ON "shop_app_tickets" USING btree ("expires_at");