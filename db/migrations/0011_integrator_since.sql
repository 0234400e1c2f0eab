ALTER TABLE "integrations" ADD COLUMN "integrator_since" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Existing integrations have had their integrator since they were created.
UPDATE "integrations" SET "integrator_since" = "created_at";
