-- What the intake writes: one row per file sighting, its file-level findings,
-- and the rows read from it, as text. Everything else is derived by dbt.
-- Append-only: a file is written in one transaction, so a crash leaves either
-- all of a file or none of it.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE TABLE IF NOT EXISTS raw.landed_files (
    file_seq        BIGINT PRIMARY KEY,  -- first-seen order across all runs
    file_sha256     VARCHAR NOT NULL,
    path            VARCHAR NOT NULL,    -- relative to LANDING_DIR, '/'-separated
    source          VARCHAR NOT NULL,
    size_bytes      BIGINT NOT NULL,
    first_seen_at   TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR,
    outcome         VARCHAR NOT NULL CHECK (outcome IN ('parsed', 'rejected', 'duplicate')),
    submitter       VARCHAR,
    kind            VARCHAR,
    period          VARCHAR,
    version         INTEGER,
    rows_read       BIGINT NOT NULL DEFAULT 0,
    UNIQUE (path, file_sha256)
);

CREATE TABLE IF NOT EXISTS raw.file_findings (
    file_seq        BIGINT NOT NULL,
    rule_id         VARCHAR NOT NULL,
    column_name     VARCHAR,
    value           VARCHAR,
    detail_en       VARCHAR,  -- what exactly, appended to the rule's message
    detail_th       VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.regional_rows (
    file_seq              BIGINT NOT NULL,
    row_number            INTEGER NOT NULL,
    row_kind              VARCHAR NOT NULL CHECK (row_kind IN ('data', 'total')),
    province              VARCHAR,
    program_code          VARCHAR,
    activity              VARCHAR,
    entrepreneurs         VARCHAR,
    enterprises           VARCHAR,
    community_enterprises VARCHAR,
    products              VARCHAR,
    people                VARCHAR,
    networks              VARCHAR,
    economic_value_mb     VARCHAR,
    budget_allocated_mb   VARCHAR,
    budget_disbursed_mb   VARCHAR,
    -- the row as written, a JSON object (json.dumps) kept as text: typed JSON
    -- would be parsed again on every insert (docs/benchmarks.md)
    raw_record            VARCHAR NOT NULL,
    PRIMARY KEY (file_seq, row_number)
);

-- i-Single Form submissions as received: one JSON text per submission (a CSV
-- row is turned into the nested object it stands for). May hold personal data.
CREATE TABLE IF NOT EXISTS raw.isingleform_records (
    file_seq        BIGINT NOT NULL,
    record_number   BIGINT NOT NULL,  -- .jsonl/.csv line, or 1-based position in a .json array
    record_text     VARCHAR NOT NULL
);

-- Not received data: what the intake remembers of the landing folder, so that a
-- night hashes only the files new or changed since the last look, not every year
-- the folder still holds. One row per (path, signature) in the folder at the last
-- look whose content was hashed while it held still (sources/landing.py
-- sha256_of_listed). Lost or emptied, it costs one night of hashing everything.
CREATE SCHEMA IF NOT EXISTS intake;

CREATE TABLE IF NOT EXISTS intake.landing_hashes (
    source          VARCHAR NOT NULL,
    path            VARCHAR NOT NULL,  -- as in raw.landed_files
    signature       VARCHAR NOT NULL,  -- size:modified_ns:changed_ns:inode:device (LandedFile.signature)
    file_sha256     VARCHAR NOT NULL
);
