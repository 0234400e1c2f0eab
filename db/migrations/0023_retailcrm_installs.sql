ALTER TABLE "shop_app_installs" ADD COLUMN "key_hash" text;--> statement-breakpoint
CREATE UNIQUE INDEX "shop_app_installs_key_uq" ON "shop_app_installs" USING btree ("key_hash");