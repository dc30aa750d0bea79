// `scylla view` in real headless Chromium over real experiments (the bundled hello-world demo run
// by `scylla run` with the real Claude Code CLI against the scripted model server, two judges):
// experiments page → experiment → run with its transcript's tool calls, its diff and both judges'
// reasoning; the runs filtered by status; compare of two experiments; a running experiment whose
// finished count rises on the open page without a reload; and no console error on any page.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from '../../src/view/server.js';
import { gitdir } from '../helpers/gitdir.js';
import { startModelServer, type ModelServer } from '../helpers/model-server.js';
import { runScylla, scyllaEnv, startScylla } from '../helpers/scylla-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/hello-world/', import.meta.url));
const SONNET = 'claude-sonnet-4-5-20250929';
const OPUS = 'claude-opus-4-5-20251101';

/** The demo's script, with a second judge (sonnet) that reasons in words of its own. */
function demoScript() {
  const s = JSON.parse(readFileSync(join(EXAMPLE, 'model-script.json'), 'utf8'));
  const second = (score: number, passed: boolean, reasoning: string) => ({
    score,
    passed,
    reasoning,
    criteria_scores: {
      R001: { score: 1, explanation: 'second judge: hello.py is there' },
      R002: { score: passed ? 1 : 0, explanation: 'second judge: output checked' },
      R003: { score: 1, explanation: 'second judge: nothing else' },
    },
  });
  s.judge.rules.unshift(
    {
      match: "Hello World'",
      model: SONNET,
      reply: second(0.3, false, 'Second judge: the greeting lacks its comma.'),
    },
    { match: '.', model: SONNET, reply: second(0.9, true, 'Second judge: the script greets correctly.') },
  );
  return s;
}

describe('scylla view in headless Chromium', () => {
  let models: ModelServer;
  let slow: ModelServer;
  let view: ViewServer;
  let browser: BrowserContext;
  let results: string;
  let caseArgs: string[];
  let demo: string;
  let other: string;
  const errors: string[] = [];

  const run = async (...extra: string[]) => {
    const r = await runScylla([...caseArgs, ...extra], scyllaEnv(models.url));
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    models = await startModelServer(demoScript());
    const repo = gitdir({ 'README.md': readFileSync(join(EXAMPLE, 'task', 'README.md'), 'utf8') });
    results = tmpDir('scylla-view-e2e-');
    caseArgs = [
      'run',
      '--tiers-dir',
      join(EXAMPLE, 'case'),
      '--repo',
      repo.path,
      '--commit',
      repo.commit,
      '--results-dir',
      results,
      '--fresh',
    ];
    await run('--runs', '1', '--parallel', '3', '--judge-model', OPUS, '--judge-model', SONNET);
    await run('--tiers', 'T0', '--runs', '1', '--parallel', '3', '--max-subtests', '2');
    [demo, other] = readdirSync(results).sort();
    view = await startViewServer({ dir: results, port: 0, pollMs: 200 });
    // A fresh profile of our own (Playwright takes it as the persistent context's directory).
    browser = await chromium.launchPersistentContext(tmpDir('scylla-chromium-'), {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      viewport: { width: 1280, height: 900 },
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await view?.close();
    await models?.close();
    await slow?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${path}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
    await page.goto(`${view.url.replace(/\/$/, '')}${path}`);
    return page;
  }

  it('goes from the experiments page to a run: tool calls, diff, both judges', async () => {
    const page = await open('/');
    await page.locator('#experiments a.exp-link').first().waitFor();
    expect(await page.locator('#experiments tbody tr').count()).toBe(2);
    expect(await page.locator(`#experiments tr:has(a[href="/e/${demo}"]) .runs-done`).textContent()).toBe(
      '5/5',
    );
    await page.locator(`a[href="/e/${demo}"]`).click();
    await page.locator('#tier-comparison').waitFor();
    await page.locator('#runs-table a.run-link', { hasText: 'T1/01/run_01' }).click();
    await page.waitForURL(/\/T1\/01\/run_01$/);
    await page.locator('#transcript-result').waitFor();
    const tools = await page
      .locator('#transcript-box details.tool')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-tool')));
    expect(tools).toEqual(['Write', 'Write']);
    await page.locator('#transcript-box details.tool').first().click();
    await expect
      .poll(() => page.locator('#transcript-box details.tool pre.out').first().textContent())
      .toContain('hello.py');
    await page.locator('#diff-box .d2h-file-wrapper').first().waitFor();
    expect(await page.locator('#diff-box .d2h-file-name').allTextContents()).toEqual(
      expect.arrayContaining(['hello.py', 'notes.txt']),
    );
    expect(
      await page
        .locator('#diff-box .d2h-code-line-ctn .hljs-string, #diff-box .d2h-code-line-ctn .hljs-built_in')
        .count(),
    ).toBeGreaterThan(0);
    await page.locator('.judge[data-judge="2"]').waitFor();
    expect(await page.locator('.judge[data-judge="1"] .reason').textContent()).toBe(
      'hello.py is correct, but an extra notes.txt was left behind.',
    );
    expect(await page.locator('.judge[data-judge="2"] .reason').textContent()).toBe(
      'Second judge: the script greets correctly.',
    );
    expect(await page.locator('#consensus').textContent()).toContain('score');
    expect(await page.locator('#pipeline-steps').textContent()).toContain('compileall');
    expect(await page.locator('#model-md').textContent()).toContain(SONNET);
    if (process.env.SCYLLA_VIEW_SCREENSHOT)
      await page.screenshot({ path: process.env.SCYLLA_VIEW_SCREENSHOT, fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  });

  it('filters the runs by status, and the filter is in the URL', async () => {
    const page = await open(`/e/${demo}`);
    await page.locator('#runs-table tbody tr').first().waitFor();
    expect(await page.locator('#runs-table tbody tr').count()).toBe(5);
    await page.locator('#filter-status').selectOption('failed');
    await expect.poll(() => page.locator('#runs-info').getAttribute('data-total')).toBe('1');
    expect(await page.locator('#runs-table tbody tr').first().textContent()).toContain('T0/00/run_01');
    expect(page.url()).toContain('status=failed');
    await page.locator('#filter-status').selectOption('passed');
    await expect.poll(() => page.locator('#runs-info').getAttribute('data-total')).toBe('4');
    await page.locator('th[data-sort="score"]').click();
    await expect.poll(() => page.locator('th.sorted-asc').getAttribute('data-sort')).toBe('score');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('compares two experiments tier by tier and subtest by subtest', async () => {
    const page = await open('/');
    await page.locator('#compare-go').waitFor();
    await page.locator('#compare-a').selectOption(demo);
    await page.locator('#compare-b').selectOption(other);
    await page.locator('#compare-go').click();
    await page.locator('#compare-subtest-table').waitFor();
    expect(await page.locator('#compare-tier-table tbody tr').count()).toBe(2);
    expect(await page.locator('#compare-subtest-table').textContent()).toContain('T0/00');
    await page.close();
    expect(errors).toEqual([]);
  });

  it('opens the tier, subtest and run-comparison pages: configuration, transcript search, two runs', async () => {
    const tier = await open(`/e/${demo}/T1`);
    await tier.locator('#subtests tbody tr').first().waitFor();
    expect(await tier.locator('#subtests tbody tr').count()).toBe(2);
    await tier.close();
    const sub = await open(`/e/${demo}/T1/01`);
    await sub.locator('#config').waitFor();
    expect(await sub.locator('#config').textContent()).toContain('code-review');
    await sub.locator('#search-q').fill('notes.txt');
    await sub.locator('#search button').click();
    await expect.poll(() => sub.locator('#search-results').textContent()).toContain('T1/01/run_01');
    await sub.close();
    const two = await open(`/compare/runs?a=${demo}/T0/00/run_01&b=${demo}/T1/01/run_01`);
    await two.locator('#run-a .d2h-file-wrapper').first().waitFor();
    await two.locator('#run-b .d2h-file-wrapper').first().waitFor();
    await expect.poll(() => two.locator('#run-a [data-loaded]').count()).toBe(1);
    await two.close();
    expect(errors).toEqual([]);
  });

  it('shows a running experiment whose finished count rises without a reload', async () => {
    slow = await startModelServer({ ...demoScript(), delayMs: 250 });
    const live = startScylla(
      [...caseArgs, '--tiers', 'T0', '--runs', '3', '--parallel', '1'],
      scyllaEnv(slow.url),
    );
    try {
      const page = await open('/');
      // The new experiment appears on the open experiments page by itself.
      await page.locator('#experiments tbody tr').nth(2).waitFor({ timeout: 20_000 });
      const name = readdirSync(results).sort()[2];
      await page.locator(`a[href="/e/${name}"]`).click();
      await page.locator('#done-count').waitFor();
      const count = async () => Number((await page.locator('#done-count').textContent())?.split('/')[0]);
      const first = await count();
      expect(first).toBeLessThan(9);
      await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
      await expect.poll(count, { timeout: 30_000 }).toBeGreaterThan(first);
      // Still the same page: it was never reloaded.
      expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
      expect(await page.locator('#live').isVisible()).toBe(true);
      await page.close();
    } finally {
      live.child.kill('SIGTERM');
      live.child.kill('SIGTERM');
      await live.done;
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
