-- Who uploaded each blob (issue 13): an uploader may read it back, as may anyone whose scope
-- holds an event naming its hash. A blob can be uploaded by several people (same bytes).
CREATE TABLE blob_uploaders (
    sha256 TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (sha256, user_id)
);
