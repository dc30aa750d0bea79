// A synthetic experiment for the viewer's tests and benchmark: a real store (schema by Store, rows
// bulk-inserted in one transaction so 10,000 runs take seconds) and per-run artefacts — a Claude
// stream-json transcript with tool calls, a sub-agent and a skill, a diff, two judges' verdicts,
// the consensus, the build pipeline, provenance — plus a few runs that are not finished.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../../src/store/store.js';
import { CONFIG } from '../report/synthetic-experiment.js';

export interface ViewPlan {
  /** tier → subtest → number of runs. */
  tiers: Record<string, Record<string, number>>;
  experimentId?: string;
  /** Bytes of the transcript of T0/00/run_01 (default: a small one like every other run). */
  bigTranscriptBytes?: number;
  /** The last run of each subtest is left running / queued / infra-failed instead (default true). */
  unfinished?: boolean;
  /** Write per-run files (default true; the 10,000-run bench writes them too). */
  files?: boolean;
}

const grade = (s: number) =>
  s >= 1 ? 'S' : s >= 0.8 ? 'A' : s >= 0.6 ? 'B' : s >= 0.4 ? 'C' : s >= 0.2 ? 'D' : 'F';
const line = (o: unknown) => JSON.stringify(o) + '\n';

/** A stream-json transcript: init, a Bash call, a Skill, a Task with a sub-agent's own call, text, result. */
export function claudeTranscript(label: string, bytes = 0): string {
  const usage = {
    input_tokens: 1000,
    output_tokens: 50,
    cache_read_input_tokens: 200,
    cache_creation_input_tokens: 0,
  };
  const msg = (id: string, content: unknown[], parent: string | null = null) =>
    line({
      type: 'assistant',
      message: { id, model: 'claude-sonnet-4-5-20250929', content, usage },
      parent_tool_use_id: parent,
    });
  const result = (id: string, text: string, parent: string | null = null, isError = false) =>
    line({
      type: 'user',
      message: {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: id, content: text, is_error: isError }],
      },
      parent_tool_use_id: parent,
    });
  let out = line({
    type: 'system',
    subtype: 'init',
    model: 'claude-sonnet-4-5-20250929',
    claude_code_version: '2.1.197',
    cwd: '/work',
    tools: ['Bash', 'Write', 'Task', 'Skill'],
    mcp_servers: [],
    agents: ['reviewer'],
    skills: ['code-review'],
  });
  out += msg('m1', [
    { type: 'thinking', thinking: `planning ${label}` },
    { type: 'text', text: `I will create hello.py for ${label}.` },
    {
      type: 'tool_use',
      id: 't1',
      name: 'Bash',
      input: { command: 'printf \'print("Hello, World!")\\n\' > hello.py' },
    },
  ]);
  out += result('t1', '');
  out += msg('m2', [{ type: 'tool_use', id: 't2', name: 'Skill', input: { skill: 'code-review' } }]);
  out += result('t2', 'Skill code-review loaded.');
  out += msg('m3', [
    {
      type: 'tool_use',
      id: 't3',
      name: 'Task',
      input: { subagent_type: 'reviewer', description: 'review hello.py', prompt: 'Review it.' },
    },
  ]);
  out += msg(
    's1',
    [{ type: 'tool_use', id: 't4', name: 'Read', input: { file_path: '/work/hello.py' } }],
    't3',
  );
  out += result('t4', 'print("Hello, World!")', 't3');
  out += msg('s2', [{ type: 'text', text: 'Looks right.' }], 't3');
  out += result('t3', 'The reviewer says: looks right.');
  for (let i = 0; out.length < bytes; i++) {
    out += msg(`b${i}`, [
      { type: 'tool_use', id: `b${i}`, name: 'Bash', input: { command: `python3 hello.py # ${i}` } },
    ]);
    out += result(`b${i}`, `Hello, World! ${'x'.repeat(2000)} needle-${i}`);
  }
  out += msg('m4', [{ type: 'text', text: `Created hello.py (${label}).` }]);
  out += line({
    type: 'result',
    subtype: 'success',
    is_error: false,
    num_turns: 4,
    duration_ms: 4200,
    total_cost_usd: 0.02,
    result: 'Created hello.py.',
    usage,
  });
  return out;
}

function runFiles(
  dir: string,
  label: string,
  score: number,
  judges: number[],
  transcriptBytes: number,
): void {
  mkdirSync(join(dir, 'agent'), { recursive: true });
  writeFileSync(join(dir, 'agent', 'stdout.log'), claudeTranscript(label, transcriptBytes));
  writeFileSync(
    join(dir, 'agent', 'result.json'),
    JSON.stringify({
      failure: 'completed',
      exitCode: 0,
      costUsd: 0.02,
      numTurns: 4,
      usage: { inputTokens: 6000, outputTokens: 300, cacheCreationTokens: 0, cacheReadTokens: 1200 },
    }),
  );
  writeFileSync(
    join(dir, 'agent', 'MODEL.md'),
    `# Agent model\n\n- Model: \`claude-sonnet-4-5-20250929\`\n- Run: ${label}\n`,
  );
  writeFileSync(join(dir, 'agent', 'replay.sh'), '#!/usr/bin/env bash\nclaude "$PROMPT" --print\n');
  writeFileSync(join(dir, 'task_prompt.md'), '# Task\n\nWrite hello.py that prints Hello, World!\n');
  writeFileSync(
    join(dir, 'diff.patch'),
    `diff --git a/hello.py b/hello.py\nnew file mode 100644\n--- /dev/null\n+++ b/hello.py\n@@ -0,0 +1,2 @@\n+def main():\n+    print("Hello, World!")  # ${label}\n`,
  );
  writeFileSync(
    join(dir, 'changed_files.json'),
    JSON.stringify([{ path: 'hello.py', status: 'added', framework: false }]),
  );
  mkdirSync(join(dir, 'judge'), { recursive: true });
  writeFileSync(
    join(dir, 'judge', 'pipeline.json'),
    JSON.stringify({
      language: 'python',
      allPassed: true,
      summary: '1 passed',
      steps: [
        {
          name: 'compileall',
          command: 'python3 -m compileall -q .',
          status: 'passed',
          exitCode: 0,
          durationMs: 120,
          output: 'compiled ok',
        },
      ],
    }),
  );
  writeFileSync(
    join(dir, 'judge', 'result.json'),
    JSON.stringify({
      valid: true,
      failure: null,
      score,
      passed: score >= 0.6,
      grade: grade(score),
      reasoning: `consensus on ${label}`,
      criteria: { R001: { score: 1, explanations: ['a', 'b'] } },
      agreement: {},
    }),
  );
  judges.forEach((s, i) => {
    const jd = join(dir, 'judge', `judge_0${i + 1}`);
    mkdirSync(jd, { recursive: true });
    writeFileSync(join(jd, 'prompt.md'), '# Judge prompt\n');
    writeFileSync(join(jd, 'response.txt'), '{}');
  });
  const n = Number(/run_(\d+)/.exec(label)?.[1] ?? 1);
  writeFileSync(
    join(dir, 'run_result.json'),
    JSON.stringify({
      tier: label.split('/')[0],
      subtest: label.split('/')[1],
      run_number: n,
      attempt: 1,
      agent_failure: 'completed',
      exit_code: 0,
      model: 'claude-sonnet-4-5-20250929',
      token_stats: {
        input_tokens: 6000,
        output_tokens: 300,
        cache_creation_tokens: 0,
        cache_read_tokens: 1200,
      },
      tokens_input: 7200,
      tokens_output: 300,
      num_turns: 2 + (n % 5),
      cost_usd: 0.02,
      cost_source: 'agent',
      duration_seconds: 5,
      agent_duration_seconds: 4,
      judge_duration_seconds: 1,
      judge_score: score,
      judge_passed: score >= 0.6,
      judge_grade: grade(score),
      judge_reasoning: '',
      judges: judges.map((s, i) => ({
        judge_number: i + 1,
        model: `judge-${i + 1}`,
        valid: true,
        failure: null,
        score: s,
        passed: s >= 0.6,
        grade: grade(s),
        reasoning: `judge ${i + 1}`,
      })),
      criteria_scores: { R001: { score: 1, explanations: ['a'] } },
      agreement: {},
      pipeline: { all_passed: true, summary: '1 passed' },
      branch: 'b',
      base_commit: 'b',
      config_commit: 'c',
      agent_commit: 'a',
      finalized_at: '2026-01-02T04:00:00.000Z',
    }),
  );
}

/** Build the experiment in `expDir` (its store closed when this returns). */
export function buildViewExperiment(expDir: string, plan: ViewPlan): void {
  mkdirSync(expDir, { recursive: true });
  const id = plan.experimentId ?? 'synthetic-view';
  const config = { ...CONFIG, experimentId: id, judgeModels: ['judge-1', 'judge-2'], maxCostUsd: 500 };
  writeFileSync(join(expDir, 'experiment.json'), JSON.stringify(config, null, 2));
  const dbFile = join(expDir, 'scylla.db');
  const store = new Store(dbFile);
  store.initExperiment({
    experimentId: id,
    configJson: JSON.stringify(config),
    configHash: 'h',
    version: '0.0.0',
  });
  store.setExperimentStatus('completed');
  store.close();
  const db = new Database(dbFile);
  const at = '2026-01-02T04:00:00.000Z';
  const insRun = db.prepare(
    `INSERT INTO runs (tier, subtest, run, state, attempt, failure, passed, score, grade, cost_usd, agent_duration_ms, judge_duration_ms, created_at, updated_at, finalized_at) VALUES (?,?,?,?,1,?,?,?,?,?,?,?,?,?,?)`,
  );
  const insTr = db.prepare(
    'INSERT INTO transitions (tier, subtest, run, from_state, to_state, at) VALUES (?,?,?,?,?,?)',
  );
  const insJ = db.prepare(
    `INSERT INTO judgments (tier, subtest, run, attempt, judge_number, model, valid, failure, score, passed, grade, json, created_at) VALUES (?,?,?,1,?,?,1,NULL,?,?,?,?,?)`,
  );
  const insSub = db.prepare(
    'INSERT INTO subtests (tier, subtest, fingerprint, resolved_json) VALUES (?,?,?,?)',
  );
  const UNFINISHED = ['prompt_written', 'pending', 'infra_failed'] as const;
  let subtestIndex = 0;
  db.transaction(() => {
    for (const [tier, subtests] of Object.entries(plan.tiers))
      for (const [subtest, n] of Object.entries(subtests)) {
        const unfinished = UNFINISHED[subtestIndex++ % UNFINISHED.length];
        insSub.run(
          tier,
          subtest,
          `fp-${tier}-${subtest}`,
          JSON.stringify({
            tierId: tier,
            subtestId: subtest,
            name: `${tier} subtest ${subtest}`,
            description: `synthetic ${tier}/${subtest}`,
            claudeMd: { blocks: ['B01'], source: 'blocks', content: '## Style\n' },
            skills: [{ name: 'code-review', path: '/x', digest: 'd' }],
            agents: [],
            tools: null,
            mcpServers: [],
            systemPromptMode: 'default',
            extendsPrevious: false,
            inheritBestFrom: [],
            inherited: null,
            inheritedWinners: [],
          }),
        );
        for (let run = 1; run <= n; run++) {
          const label = `${tier}/${subtest}/run_${String(run).padStart(2, '0')}`;
          const last = run === n && plan.unfinished !== false && n > 2;
          const score = ((run * 37) % 100) / 100;
          const js = [score, Math.min(1, score + (run % 3) * 0.1)];
          if (last) {
            const state = unfinished;
            insRun.run(
              tier,
              subtest,
              run,
              state,
              state === 'infra_failed' ? 'infra_failed' : null,
              null,
              null,
              null,
              null,
              null,
              null,
              at,
              at,
              null,
            );
            continue;
          }
          insRun.run(
            tier,
            subtest,
            run,
            'cleaned',
            null,
            score >= 0.6 ? 1 : 0,
            score,
            grade(score),
            0.01 + (run % 7) / 100,
            1000 * (run % 50),
            500,
            at,
            at,
            at,
          );
          for (const [from, to] of [
            ['pending', 'workspace_ready'],
            ['prompt_written', 'agent_done'],
            ['judged', 'finalized'],
            ['finalized', 'cleaned'],
          ])
            insTr.run(tier, subtest, run, from, to, at);
          js.forEach((s, i) =>
            insJ.run(
              tier,
              subtest,
              run,
              i + 1,
              `judge-${i + 1}`,
              s,
              s >= 0.6 ? 1 : 0,
              grade(s),
              JSON.stringify({
                reasoning: `judge ${i + 1} reasons about ${label}`,
                criteria: {
                  R001: { score: s, explanation: `R001 by judge ${i + 1}` },
                  R002: { score: 1, explanation: 'ok' },
                },
              }),
              at,
            ),
          );
          if (plan.files !== false)
            runFiles(
              join(expDir, tier, subtest, `run_${String(run).padStart(2, '0')}`),
              label,
              score,
              js,
              label === 'T0/00/run_01' ? (plan.bigTranscriptBytes ?? 0) : 0,
            );
        }
      }
  })();
  db.close();
}
