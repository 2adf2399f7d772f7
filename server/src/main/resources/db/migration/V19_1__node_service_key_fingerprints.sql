-- Each node records, while it is live, a fingerprint of the service key it was configured with (null without one, and
-- for nodes of the previous builds): a start with a configured key compares it with every live node's, so that a node
-- given another key than the deployment's is refused instead of serving under a key the other nodes refuse
-- (apikey/KeyFingerprint, KeyService.requireSameKeyAsLiveNodes). The fingerprint is a slow salted hash
-- (PBKDF2-HMAC-SHA256, its iterations and salt beside it): a human-chosen key is not recovered cheaply from it.
ALTER TABLE gatehouse_nodes ADD COLUMN service_key_fingerprint text;
