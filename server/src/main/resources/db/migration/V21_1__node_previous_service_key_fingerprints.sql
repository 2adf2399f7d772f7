-- Each node records, while it is live, beside its service key's fingerprint that of the previous key it accepts while
-- the deployment rotates its key (--previous-service-key; null without one, and for nodes of the previous builds,
-- which are taken to accept their key alone): a node not yet rotated then starts beside rotated nodes that still
-- accept its key (KeyService.requireSameKeyAsLiveNodes). Both fingerprints of a row share their salt and iterations
-- (apikey/KeyFingerprint), so that a start hashes each of its keys once per row it compares.
ALTER TABLE gatehouse_nodes ADD COLUMN previous_service_key_fingerprint text;
