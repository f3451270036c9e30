-- Indexes for the REST ledger API's keyset pagination: every page continues after (time, id) of
-- the last row, so each listing needs an index that ends in exactly those two columns.

-- Grants are listed by (first_verified_at, grant_id); the ledger never changes first_verified_at
-- after the insert, so a page boundary cannot move while grants are being refreshed.
CREATE INDEX grants_by_first_verified ON grants (first_verified_at, grant_id);
CREATE INDEX grants_by_cluster_node ON grants (cluster, node);

-- Start history of a pod / of an image / of the fleet, in (occurred_at, event_id) order.
CREATE INDEX start_requests_by_pod_page ON start_requests (pod_namespace, pod_name, occurred_at, event_id);
CREATE INDEX start_requests_by_image_ref_page ON start_requests (image_ref, occurred_at, event_id);
CREATE INDEX start_requests_by_name_page ON start_requests (name, occurred_at, event_id);
CREATE INDEX revocations_by_page ON revocations (occurred_at, revocation_id);
