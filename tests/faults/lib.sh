# Sourced by the crash and outage scenarios of tests/faults/ (after
# tests/lib/daemon.sh): the write load and the verdict they share.
#
#   faults_load SECONDS [load.py options]  8 clients of writes, each with an
#                                          Idempotency-Key, in the background
#   faults_wait_answered N                 until N writes are answered
#   faults_verdict NAME                    waits for the load, prints the
#                                          counts, and fails when anything
#                                          acknowledged is lost, anything is
#                                          stored twice or never answered,
#                                          the server answered a 5xx other
#                                          than 503 with Retry-After, or
#                                          `samverkan audit verify` fails

faults_load() {
	local secs=$1
	shift
	log=$work/writes.jsonl
	python3 "$here/../lib/load.py" --url "$url" --ca "$work/tls/ca.crt" \
		--users "$work/demo-passwords" --seconds "$secs" --clients 8 --writes-only \
		--retry-seconds 30 --log "$log" --stats "$work/stats.json" "$@" >/dev/null &
	load_pid=$!
}

faults_wait_answered() {
	local answered=0
	while [ "$answered" -lt "$1" ]; do
		kill -0 "$load_pid" 2>/dev/null || { echo "the load ended early" >&2; return 1; }
		sleep 0.1
		[ -f "$log" ] && answered=$(wc -l <"$log")
	done
	echo "$answered"
}

faults_verdict() {
	local name=$1 verdict=0 token
	wait "$load_pid" || verdict=1
	svk_psql "SELECT external_id, id, count(*) OVER (PARTITION BY external_id)
		FROM svk.incidents WHERE external_id LIKE 'soak-%'" >"$work/incidents.txt"
	svk_psql "SELECT x.id, count(*) FROM svk.audit a,
		jsonb_array_elements_text(a.after->'ids') x(id)
		WHERE a.action = 'incident.create' GROUP BY 1" >"$work/incident-audit.txt"
	svk_psql "SELECT note, count(*) FROM svk.intervention_updates
		WHERE note LIKE 'soak %' GROUP BY 1" >"$work/updates.txt"
	svk_psql "SELECT after->'update'->>'note', count(*) FROM svk.audit
		WHERE action = 'intervention.log' AND after->'update'->>'note' LIKE 'soak %'
		GROUP BY 1" >"$work/update-audit.txt"
	python3 "$here/verdict.py" "$work" "$name" || verdict=1
	token=$(svk_login admin "$(cat "$work/admin-password")")
	if ! XDG_CONFIG_HOME=$work SAMVERKAN_SERVER=$url SAMVERKAN_CACERT=$work/tls/ca.crt \
		SAMVERKAN_TOKEN=$token "$cli" --output table audit verify; then
		echo "$name: FAIL: samverkan audit verify" >&2
		verdict=1
	fi
	return $verdict
}
