-- Set by an admin's password reset (a temporary password the admin has seen):
-- until the user chooses a new password, their tokens only open the
-- change-password route. Any password change clears it.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
UPDATE schema_meta SET value = '7' WHERE key = 'schema_version';
