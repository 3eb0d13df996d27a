/*
 * The product's vocabulary, defined once for the daemon, the client and
 * the tests: the values of the enumerations SPEC §2 names, as the
 * "a|b|c" choice lists of the field tables (jsonfields.h), and the limits
 * both sides must agree on.
 */
#ifndef SVK_VOCAB_H
#define SVK_VOCAB_H

/* intervention.status and intervention.rag */
#define VOCAB_INTERVENTION_STATUSES "planned|ongoing|done|cancelled"
#define VOCAB_RAGS "green|yellow|red"

/* proposal.kind and proposal.status */
#define VOCAB_PROPOSAL_KINDS "prioritisation|action_plan|follow_up|extension"
#define VOCAB_PROPOSAL_STATUSES "draft|submitted|approved|rejected|withdrawn"

/* decision.verdict */
#define VOCAB_VERDICTS "approve|reject|return"

/* organisation.kind */
#define VOCAB_ORG_KINDS "police|municipality|authority|housing|rescue|other"

/* The yearly follow-up's three sections (the agreement's questions, in
 * Brå's terms process, production and effect): their keys in the API and
 * their headings in reports and editors. */
#define VOCAB_FOLLOWUP_KEY_1 "collaboration"
#define VOCAB_FOLLOWUP_KEY_2 "implementation"
#define VOCAB_FOLLOWUP_KEY_3 "results"
#define VOCAB_FOLLOWUP_HEADING_1 "Hur samverkansformerna upplevs fungera"
#define VOCAB_FOLLOWUP_HEADING_2 "Hur insatsernas genomförande har fungerat"
#define VOCAB_FOLLOWUP_HEADING_3 "Bedömning av det resultat som insatserna har bidragit till"

/* The most incidents one POST /v1/incidents may carry. */
#define VOCAB_INCIDENT_BATCH_MAX 1000

#endif
