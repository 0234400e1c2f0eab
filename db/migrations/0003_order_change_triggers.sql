-- The change feed (statusreq changes=ONLY_LAST) must see every change to an order, whichever code path made it,
-- in the same transaction as the change: statement-level triggers write order_changes from the transition tables.
CREATE FUNCTION orders_record_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO order_changes (company_id, order_id) SELECT company_id, id FROM new_rows;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Only changes a client can see count: bag membership (manifest_id) and the updated_at stamp alone do not.
CREATE FUNCTION orders_record_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO order_changes (company_id, order_id)
  SELECT n.company_id, n.id
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE (to_jsonb(o) - 'updated_at' - 'manifest_id') IS DISTINCT FROM (to_jsonb(n) - 'updated_at' - 'manifest_id');
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER orders_changes_on_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orders_record_insert();
--> statement-breakpoint
CREATE TRIGGER orders_changes_on_update AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION orders_record_update();
