-- The ledger's system of record (DESIGN.md §1, §4). Every table fed from Kafka carries the
-- event id as its key, so a re-delivered event changes nothing (idempotent writes), and the
-- consumed offsets live here too, committed in the same transaction as the rows they produced.

-- Which credential proved access to which image. One row per (image, name, credential).
CREATE TABLE grants (
    grant_id                  text        PRIMARY KEY,   -- deterministic: see GrantId in the ledger
    image_ref                 text        NOT NULL,      -- sha256:... digest
    name                      text        NOT NULL,      -- normalised repository incl. domain
    kind                      text        NOT NULL CHECK (kind IN ('SECRET', 'SERVICE_ACCOUNT', 'NODE_CREDENTIAL', 'ANONYMOUS')),
    credential_hash           text,                      -- SECRET and NODE_CREDENTIAL: hmac-sha256:<keyId>:<hex>
    secret_namespace          text,
    secret_name               text,
    secret_uid                text,
    service_account_namespace text,
    service_account_name      text,
    service_account_uid       text,
    cluster                   text        NOT NULL,      -- where it was first proven
    node                      text        NOT NULL,
    first_verified_at         timestamptz NOT NULL,
    last_verified_at          timestamptz NOT NULL,
    last_event_id             text        NOT NULL,
    revoked_at                timestamptz,
    revocation_id             text,
    CHECK (kind <> 'SECRET' OR (credential_hash IS NOT NULL AND secret_uid IS NOT NULL)),
    CHECK (kind <> 'NODE_CREDENTIAL' OR credential_hash IS NOT NULL),
    CHECK (kind <> 'SERVICE_ACCOUNT' OR service_account_uid IS NOT NULL)
);
CREATE INDEX grants_by_name ON grants (name, image_ref);
CREATE INDEX grants_by_image_ref ON grants (image_ref);
CREATE INDEX grants_by_secret ON grants (secret_namespace, secret_name);
CREATE INDEX grants_by_secret_uid ON grants (secret_uid) WHERE secret_uid IS NOT NULL;
CREATE INDEX grants_by_hash ON grants (credential_hash) WHERE credential_hash IS NOT NULL;
CREATE INDEX grants_by_service_account ON grants (service_account_namespace, service_account_name);
CREATE INDEX grants_by_last_verified ON grants (last_verified_at, grant_id);

-- Which node pulled which name (the kubelet's "pulled on this node", fleet-wide).
CREATE TABLE node_pulls (
    cluster          text        NOT NULL,
    node             text        NOT NULL,
    name             text        NOT NULL,
    image_ref        text        NOT NULL,
    first_pulled_at  timestamptz NOT NULL,
    last_pulled_at   timestamptz NOT NULL,
    PRIMARY KEY (cluster, node, name, image_ref)
);
CREATE INDEX node_pulls_by_image_ref ON node_pulls (image_ref);

-- Append-only: every ImagePulled as received (the grants above are derived from it).
CREATE TABLE pull_events (
    event_id         text        PRIMARY KEY,
    occurred_at      timestamptz NOT NULL,
    cluster          text        NOT NULL,
    node             text        NOT NULL,
    pod_namespace    text,
    pod_name         text,
    pod_uid          text,
    image            text        NOT NULL,
    name             text        NOT NULL,
    image_ref        text        NOT NULL,
    credential_kind  text        NOT NULL,
    credential_hash  text,
    secret_uid       text,
    service_account_uid text,
    verification     boolean     NOT NULL,
    grant_id         text        NOT NULL
);
CREATE INDEX pull_events_by_time ON pull_events (occurred_at);

-- The start audit trail: request -> verdict -> outcome, joined by request id.
CREATE TABLE start_requests (
    event_id         text        PRIMARY KEY,
    occurred_at      timestamptz NOT NULL,
    cluster          text        NOT NULL,
    node             text        NOT NULL,
    pod_namespace    text        NOT NULL,
    pod_name         text        NOT NULL,
    pod_uid          text        NOT NULL,
    container        text        NOT NULL,
    image            text        NOT NULL,
    name             text        NOT NULL,
    image_ref        text,
    pull_policy      text        NOT NULL,
    secret_hashes    text[]      NOT NULL,
    service_account_uid text,
    node_credential_hash text,
    intent_pending   boolean     NOT NULL
);
CREATE INDEX start_requests_by_pod ON start_requests (pod_namespace, pod_name, occurred_at);
CREATE INDEX start_requests_by_name ON start_requests (name, occurred_at);
CREATE INDEX start_requests_by_time ON start_requests (occurred_at);

CREATE TABLE start_verdicts (
    event_id         text        PRIMARY KEY,
    request_id       text        NOT NULL,
    occurred_at      timestamptz NOT NULL,
    verdict          text        NOT NULL CHECK (verdict IN ('ALLOW', 'REPULL')),
    reason           text        NOT NULL,
    grant_id         text,
    dry_run          boolean     NOT NULL,
    policy           text        NOT NULL,
    decided_by       text        NOT NULL
);
CREATE INDEX start_verdicts_by_request ON start_verdicts (request_id);

CREATE TABLE start_outcomes (
    event_id         text        PRIMARY KEY,
    request_id       text,                          -- null: the start never asked (bypass)
    occurred_at      timestamptz NOT NULL,
    cluster          text        NOT NULL,
    node             text        NOT NULL,
    pod_namespace    text        NOT NULL,
    pod_name         text        NOT NULL,
    container        text        NOT NULL,
    name             text        NOT NULL,
    image_ref        text,
    outcome          text        NOT NULL,
    decision_source  text        NOT NULL,
    verdict          text,
    reason           text,
    credential_hash  text,
    registry_status  integer,
    detail           text
);
CREATE INDEX start_outcomes_by_request ON start_outcomes (request_id);
CREATE INDEX start_outcomes_by_pod ON start_outcomes (pod_namespace, pod_name, occurred_at);

CREATE TABLE revocations (
    revocation_id    text        PRIMARY KEY,        -- the CredentialRevoked event id
    occurred_at      timestamptz NOT NULL,
    scope            text        NOT NULL CHECK (scope IN ('SECRET_UID', 'CREDENTIAL_HASH', 'SERVICE_ACCOUNT_UID', 'NAMESPACE')),
    value            text        NOT NULL,
    cluster          text,
    reason           text        NOT NULL,
    actor            text        NOT NULL
);
CREATE INDEX revocations_by_time ON revocations (occurred_at);

-- Next offset to read per partition, written in the same transaction as the data (exactly-once effect).
CREATE TABLE consumed_offsets (
    consumer_group   text        NOT NULL,
    topic            text        NOT NULL,
    partition        integer     NOT NULL,
    next_offset      bigint      NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, partition)
);

-- Records the ledger could not use; also sent to the dead-letter topic. Kept for the API and audits.
CREATE TABLE dead_letters (
    id               bigserial   PRIMARY KEY,
    topic            text        NOT NULL,
    partition        integer     NOT NULL,
    "offset"         bigint      NOT NULL,
    reason           text        NOT NULL,
    detail           text,
    received_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, partition, "offset")
);
