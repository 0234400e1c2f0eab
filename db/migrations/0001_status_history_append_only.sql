-- Status history is evidence of what happened to an order; it is never rewritten.
CREATE FUNCTION order_status_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'order_status_history is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER order_status_history_no_update_delete
  BEFORE UPDATE OR DELETE ON order_status_history
  FOR EACH ROW EXECUTE FUNCTION order_status_history_append_only();
