-- The rights that depend on the target are checked by the writing function
-- under the target's lock: svk.member_put, svk.member_delete and
-- svk.intervention_log take what the role policy decided about the actor
-- (acting as a chair; logging for one's own organisation only). Their new
-- signatures are defined in sql/functions/; the old ones go here, or a call
-- could still reach a function without the checks.
DROP FUNCTION IF EXISTS svk.member_put(bigint, text, text, text, date);
DROP FUNCTION IF EXISTS svk.member_delete(bigint, text, text);
DROP FUNCTION IF EXISTS svk.intervention_log(bigint, uuid, jsonb);
