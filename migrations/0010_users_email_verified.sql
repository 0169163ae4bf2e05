-- When the account's address was last proven by an emailed code (registration
-- with a code, a password reset, a change of address). Account notices are
-- emailed only to a verified address; the notification inbox gets them either
-- way. Accounts from before this column start unverified: nothing recorded
-- which of them registered with a code.
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
UPDATE schema_meta SET value = '10' WHERE key = 'schema_version';
