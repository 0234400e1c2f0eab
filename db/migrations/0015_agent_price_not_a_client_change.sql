-- «Агентская цена» is what the partner charged the company, never shown to a client: filling it from a COD registry
-- is not a change the clients' change feed reports (5,000 orders of a registry would all come back as changed).
CREATE OR REPLACE FUNCTION orders_record_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO order_changes (company_id, order_id)
  SELECT n.company_id, n.id
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE (to_jsonb(o) - 'updated_at' - 'manifest_id' - 'agent_price')
    IS DISTINCT FROM (to_jsonb(n) - 'updated_at' - 'manifest_id' - 'agent_price');
  RETURN NULL;
END;
$$;
