-- Clients that already share a name (in any letter case) within a company: the oldest keeps it, later ones get « (2)», « (3)»…
UPDATE "clients" c SET "name" = c."name" || ' (' || d.rn || ')'
FROM (SELECT "id", row_number() OVER (PARTITION BY "company_id", lower("name") ORDER BY "id") AS rn FROM "clients") d
WHERE d."id" = c."id" AND d.rn > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "clients_company_name_uq" ON "clients" USING btree ("company_id",lower("name"));
