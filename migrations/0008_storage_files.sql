-- Uploaded files (src/storage): one row per object in the FILES bucket. The R2
-- object is written first and this row after it, so a row always has its object;
-- an object without a row (a crash between the two) is never listed nor charged.
CREATE TABLE storage_files (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('avatar', 'cover', 'attachment')),
  object_key TEXT NOT NULL UNIQUE,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  etag TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX storage_files_owner ON storage_files (owner_id, purpose, created_at DESC);
UPDATE schema_meta SET value = '8' WHERE key = 'schema_version';
