-- Ingest refreshes every grant and node pull over and over (last_verified_at / last_pulled_at).
-- Such an update can be a HOT update (no index entry written, the new row version stays on its
-- page) only when it changes no indexed column and the page has room. So:

-- 1. No index on last_verified_at: every refresh changed it and so wrote a new entry into all ten
--    indexes of grants. The API's `since` filter (last_verified_at >= ?) is applied while walking
--    grants_by_first_verified, the index of its keyset order (V002).
DROP INDEX grants_by_last_verified;

-- 2. Leave room on each page for the refreshed row versions. Applies to pages written from now on;
--    an existing deployment gets it for old pages only after a rewrite (VACUUM FULL / pg_repack).
ALTER TABLE grants SET (fillfactor = 50);
ALTER TABLE node_pulls SET (fillfactor = 50);
