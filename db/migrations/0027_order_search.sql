-- Search by any part of a field (server/services/orders/search.ts): trigram indexes. pg_trgm is a trusted contrib
-- extension (PostgreSQL 13+): the database owner may create it; the embedded PostgreSQL ships it too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- Lower case and ё → е without the database's locale: lower() folds Cyrillic only under a UTF-8 ctype, translate()
-- always does, so a search is case-blind on a cluster made with --locale=C too.
CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate(lower($1), 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё', 'абвгдеежзийклмнопрстуфхцчшщъыьэюяе')
$$;--> statement-breakpoint
DROP INDEX "orders_company_created_idx";--> statement-breakpoint
CREATE INDEX "orders_company_created_id_idx" ON "orders" USING btree ("company_id","created_at","id");--> statement-breakpoint
CREATE INDEX "orders_company_number_sort_idx" ON "orders" USING btree ("company_id","number","id");--> statement-breakpoint
CREATE INDEX "orders_company_receiver_sort_idx" ON "orders" USING btree ("company_id",coalesce("receiver_person", "receiver_company", ''),"id");--> statement-breakpoint
CREATE INDEX "orders_company_cod_idx" ON "orders" USING btree ("company_id","cod_amount","id");--> statement-breakpoint
CREATE INDEX "orders_search_number_trgm" ON "orders" USING gin (search_fold("number") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "orders_search_barcode_trgm" ON "orders" USING gin (search_fold("barcode") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "orders_search_receiver_trgm" ON "orders" USING gin (search_fold(coalesce("receiver_person", '') || ' ' || coalesce("receiver_company", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "orders_search_address_trgm" ON "orders" USING gin (search_fold(coalesce("receiver_town", '') || ' ' || coalesce("receiver_address", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "orders_search_phone_trgm" ON "orders" USING gin (regexp_replace(coalesce("receiver_phone", ''), '[^0-9]', '', 'g') gin_trgm_ops);