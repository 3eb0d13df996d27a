-- Every change to the data goes through a function of schema svk that runs
-- with its owner's rights: samverkan_app may read the tables but not
-- insert, update or delete (0015_writes_through_functions.sql), so what it
-- changes is what these functions allow, each with its audit entry.
--
-- The rule, applied after every other file (this one sorts last): every
-- VOLATILE function of svk (a STABLE or IMMUTABLE one cannot write) is
-- SECURITY DEFINER with a fixed search_path (pg_temp last, so that no
-- temporary object of the caller's stands in for one of these), and only
-- samverkan_app may call it. CREATE OR REPLACE FUNCTION resets these
-- properties, and each migrate re-creates the functions, so the rule runs
-- on each migrate too. Trigger functions run as the owner of the change
-- that fires them and are left alone.
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN
		SELECT p.oid::regprocedure FROM pg_proc p
		WHERE p.pronamespace = 'svk'::regnamespace AND p.prokind = 'f'
		  AND p.provolatile = 'v' AND p.prorettype <> 'trigger'::regtype
	LOOP
		EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER '
		               'SET search_path = pg_catalog, svk, pg_temp', f);
		EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
		EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO samverkan_app', f);
	END LOOP;
END
$$;
