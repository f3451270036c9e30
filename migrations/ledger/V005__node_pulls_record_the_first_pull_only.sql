-- node_pulls answers one question: has this node ever pulled this name (and image reference)?
-- The decision service's snapshot reads only (cluster, node, name); each pull's own time is in
-- pull_events. Refreshing last_pulled_at on every pull rewrote the row once per pull (a third of
-- the ingest's time in the ledger benchmark) for a column nothing read, so the row is now written
-- once, by the first pull stored for it, and never updated.
ALTER TABLE node_pulls DROP COLUMN last_pulled_at;

-- No refreshes any more, so no room to leave for them on new pages (V003 set 50).
ALTER TABLE node_pulls SET (fillfactor = 100);
