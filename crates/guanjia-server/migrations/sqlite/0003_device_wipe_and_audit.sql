-- Owner data on devices (issue 13 item 7). A token an admin revoked or ordered wiped keeps
-- working for push and photo upload only, and tells the device to wipe itself; `wipe_at` is
-- when that was ordered (NULL: no wipe ordered). `revoked_at` set as well: the device's
-- sync is over, every call answers 401 `device_wiped`.
ALTER TABLE tokens ADD COLUMN wipe_at BIGINT;

-- Who did what to owners' data: wipe orders, session revocations by an admin, outbox
-- imports, full downloads of a scope. Append-only.
CREATE TABLE audit (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
