// SQLite schema of scylla.db and its migrations. The store is the only writer of state.

/** Ordered migrations; index + 1 is the schema version they produce. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE experiment (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    experiment_id TEXT NOT NULL,
    config_json TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    completed_at TEXT,
    owner_pid INTEGER,
    heartbeat_at TEXT,
    scylla_version TEXT NOT NULL
  );
  CREATE TABLE subtests (
    tier TEXT NOT NULL,
    subtest TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    resolved_json TEXT NOT NULL,
    PRIMARY KEY (tier, subtest)
  );
  CREATE TABLE runs (
    tier TEXT NOT NULL,
    subtest TEXT NOT NULL,
    run INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 1,
    failure TEXT,
    failure_detail TEXT,
    branch TEXT,
    base_commit TEXT,
    config_commit TEXT,
    agent_commit TEXT,
    agent_failure TEXT,
    passed INTEGER,
    score REAL,
    grade TEXT,
    cost_usd REAL,
    agent_duration_ms INTEGER,
    judge_duration_ms INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finalized_at TEXT,
    PRIMARY KEY (tier, subtest, run)
  );
  CREATE TABLE transitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tier TEXT NOT NULL,
    subtest TEXT NOT NULL,
    run INTEGER NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    at TEXT NOT NULL,
    detail TEXT
  );
  CREATE TABLE judgments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tier TEXT NOT NULL,
    subtest TEXT NOT NULL,
    run INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    judge_number INTEGER NOT NULL,
    model TEXT NOT NULL,
    valid INTEGER NOT NULL,
    failure TEXT,
    score REAL,
    passed INTEGER,
    grade TEXT,
    json TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX judgments_run ON judgments (tier, subtest, run);
  CREATE TABLE pauses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    until TEXT NOT NULL,
    ended_at TEXT,
    reason TEXT
  );
  CREATE TABLE tier_winners (
    tier TEXT PRIMARY KEY,
    subtest TEXT NOT NULL,
    resolved_json TEXT NOT NULL,
    recorded_at TEXT NOT NULL
  );
  CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // 2: typed outcomes (agent_outcome), the stop reason, discarded attempts and group winners as
  // tables of their own instead of untyped key-value entries.
  `
  ALTER TABLE runs RENAME COLUMN agent_failure TO agent_outcome;
  ALTER TABLE experiment ADD COLUMN stop_reason TEXT;
  CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tier TEXT NOT NULL,
    subtest TEXT NOT NULL,
    run INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    state TEXT NOT NULL,
    failure TEXT,
    cost_usd REAL,
    discarded_at TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  INSERT INTO attempts (tier, subtest, run, attempt, state, cost_usd, discarded_at, reason)
    SELECT '', '', 0, 0, 'pending', CAST(value AS REAL), '', 'discarded before schema 2'
    FROM kv WHERE key = 'discarded_cost_usd' AND CAST(value AS REAL) > 0;
  DELETE FROM kv WHERE key = 'discarded_cost_usd';
  CREATE TABLE group_winners (
    group_key TEXT PRIMARY KEY,
    tier TEXT,
    subtest TEXT,
    recorded_at TEXT NOT NULL
  );
  INSERT INTO group_winners (group_key, tier, subtest, recorded_at)
    SELECT substr(key, 14), json_extract(value, '$.tier'), json_extract(value, '$.subtest'), ''
    FROM kv WHERE key LIKE 'group_winner:%';
  DELETE FROM kv WHERE key LIKE 'group_winner:%';
  CREATE INDEX transitions_run ON transitions (tier, subtest, run);
  CREATE INDEX transitions_to ON transitions (to_state, id);
  `,
  // 3: the processes each run attempt started, so a resume can end what a killed Scylla left running.
  `
  CREATE TABLE processes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tier TEXT NOT NULL,
    subtest TEXT NOT NULL,
    run INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    start_ticks INTEGER,
    role TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT
  );
  CREATE INDEX processes_live ON processes (tier, subtest, run) WHERE ended_at IS NULL;
  `,
  // 4: judge sets (re-judging keeps every earlier set), per-set verdicts, and the record of reruns.
  `
  ALTER TABLE judgments ADD COLUMN judge_set INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE experiment ADD COLUMN current_judge_set INTEGER NOT NULL DEFAULT 1;
  CREATE TABLE judge_sets (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    completed_at TEXT,
    spec_json TEXT NOT NULL,
    rerun_id INTEGER
  );
  INSERT INTO judge_sets (id, created_at, completed_at, spec_json)
    SELECT 1, created_at, created_at, '{}' FROM experiment;
  CREATE TABLE verdicts (
    tier TEXT NOT NULL,
    subtest TEXT NOT NULL,
    run INTEGER NOT NULL,
    judge_set INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    valid INTEGER NOT NULL,
    passed INTEGER,
    score REAL,
    grade TEXT,
    judge_duration_ms INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tier, subtest, run, judge_set)
  );
  INSERT INTO verdicts (tier, subtest, run, judge_set, attempt, valid, passed, score, grade, judge_duration_ms, created_at)
    SELECT tier, subtest, run, 1, attempt, 1, passed, score, grade, judge_duration_ms, updated_at
    FROM runs WHERE state IN ('judged', 'finalized', 'cleaned');
  CREATE TABLE reruns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    request_json TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    user TEXT,
    host TEXT,
    pid INTEGER,
    selected INTEGER NOT NULL,
    status TEXT NOT NULL,
    judge_set INTEGER
  );
  CREATE TABLE rerun_runs (
    rerun_id INTEGER NOT NULL,
    tier TEXT NOT NULL,
    subtest TEXT NOT NULL,
    run INTEGER NOT NULL,
    from_attempt INTEGER NOT NULL,
    PRIMARY KEY (rerun_id, tier, subtest, run)
  );
  `,
];
