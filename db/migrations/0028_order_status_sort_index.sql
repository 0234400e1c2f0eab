DROP INDEX "orders_company_status_id_idx";--> statement-breakpoint
CREATE INDEX "orders_company_status_id_idx" ON "orders" USING btree ("company_id","status","id");