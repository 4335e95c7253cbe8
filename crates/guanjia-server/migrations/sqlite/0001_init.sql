-- Guanjia event store, SQLite flavour. Append-only migrations: never edit a released file.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- The one row every push locks first: seq is assigned under it, so commits happen in seq order.
CREATE TABLE seq_counter (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL);
INSERT INTO seq_counter (id, value) VALUES (1, 0);

CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    record_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    kind TEXT NOT NULL,
    project_id TEXT NOT NULL,
    area_id TEXT,
    actor TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX events_record ON events (record_id, seq);
CREATE INDEX events_project ON events (project_id, seq);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable: append a correcting event instead'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are immutable: append a correcting event instead'); END;

CREATE TABLE records (
    record_id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL,
    project_id TEXT NOT NULL,
    area_id TEXT
);

-- Repair orders handed to a technician; seq is the assignment's seq.
CREATE TABLE grants (
    record_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (record_id, user_id)
);
CREATE INDEX grants_user ON grants (user_id, seq);

CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE areas (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id),
    name TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE user_projects (
    user_id TEXT NOT NULL REFERENCES users (id),
    project_id TEXT NOT NULL REFERENCES projects (id),
    PRIMARY KEY (user_id, project_id)
);
CREATE TABLE user_areas (
    user_id TEXT NOT NULL REFERENCES users (id),
    area_id TEXT NOT NULL REFERENCES areas (id),
    PRIMARY KEY (user_id, area_id)
);

CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    size BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
