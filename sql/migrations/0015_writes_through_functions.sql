-- samverkan_app changes nothing directly: every write goes through the
-- functions of schema svk, which run with their owner's rights and write
-- the audit entry (sql/functions/writers.sql). The role keeps reading.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA svk FROM samverkan_app;
REVOKE USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA svk FROM samverkan_app;
