-- Grant listings (API, ordered by first_verified_at, grant_id) filtered by secret uid or by node:
-- with the filter's columns in front of the page columns, a page reads limit + 1 index entries in
-- order instead of fetching every grant of that uid or node and sorting them (1M grants: hundreds
-- to thousands of heap rows per request; PERFORMANCE.md goal 6). None of these columns changes on
-- a refresh, so ingest updates stay HOT (V003). Revocations still find grants by secret_uid.
DROP INDEX grants_by_secret_uid;
CREATE INDEX grants_by_secret_uid_page ON grants (secret_uid, first_verified_at, grant_id) WHERE secret_uid IS NOT NULL;

DROP INDEX grants_by_cluster_node;
CREATE INDEX grants_by_cluster_node_page ON grants (cluster, node, first_verified_at, grant_id);

-- Bypassed starts (an outcome without a request: the agent never asked, e.g. it was down or the
-- pod bypassed the webhook) are listed on their own, in (occurred_at, event_id) order.
CREATE INDEX start_outcomes_bypassed_page ON start_outcomes (occurred_at, event_id) WHERE request_id IS NULL;
