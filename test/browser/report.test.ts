// System suite (npm run test:browser; needs Debian's chromium, fails loudly without it): a real
// `condnet report` page, opened from a file:// URL in headless Chromium through playwright-core
// (DESIGN §10), loads with no console error or page error, fetches nothing, and shows every plot:
// each <svg> laid out at a non-zero size with marks drawn in it, labels shown as text.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { FIGURES } from '../../host/report/index.js';

const CLI = new URL('../../host/cli/main.js', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const dir = mkdtempSync(join(tmpdir(), 'condnet-browser-'));
const LABELS = ['<b>bold</b> & co', 'plain', '"quoted"'];

function condnet(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, `condnet ${args.join(' ')}:\n${r.stderr}`);
  return r.stdout;
}

let browser: Browser | undefined;
after(async () => {
  await browser?.close();
});

test('a report opens in headless Chromium without errors and shows every plot', async () => {
  if (!existsSync(CHROMIUM)) {
    assert.fail(`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y --no-install-recommends chromium) or set CHROMIUM to its path`);
  }

  // A small model whose labels need escaping, a small sweep and a frontier, through the CLI as a user runs it.
  const csv = join(dir, 'data.csv');
  writeFileSync(csv, 'u,v,label\n' + Array.from({ length: 60 }, (_, i) =>
    `${i % 9},${(i * 7) % 13},"${LABELS[i % 3].replace(/"/g, '""')}"`).join('\n') + '\n');
  const model = join(dir, 'model.cnb');
  condnet(['build', csv, '--construction', 'tree', '-o', model]);
  const sweepJson = join(dir, 'sweep.json');
  writeFileSync(sweepJson, condnet(['sweep', '--constructions', 'search,tree', '--n-max', '256', '--json']));
  // A synthesis frontier in the shape bench:synth-fidelity writes (docs/synth-fidelity.json).
  const frontierJson = join(dir, 'frontier.json');
  writeFileSync(frontierJson, JSON.stringify({ version: 1, frontiers: [{ network: 'an MLP', synthesis: 's.csv', holdout: 'h.csv', points: [
    { model: 'dense network', ops: 100000, fidelity: 1 }, { model: 'tree', ops: 9, fidelity: 0.8 }, { model: 'ε = 0.01', ops: 32000, fidelity: 0.95, chosenFor: [0.95] },
  ] }] }));
  const page = join(dir, 'report.html');
  condnet(['report', model, csv, '--sweep', sweepJson, '--frontier', frontierJson, '-o', page]);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const tab = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  tab.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  tab.on('request', (r) => requests.push(r.url()));
  tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));

  const url = pathToFileURL(page).href;
  const response = await tab.goto(url, { waitUntil: 'load' });
  assert.ok(response === null || response.ok(), 'the page loads');
  assert.deepEqual(requests.filter((u) => u !== url), [], 'no request but the page itself');
  assert.deepEqual(problems, []);

  assert.match(await tab.title(), /^condnet report: model\.cnb on .*data\.csv$/);
  assert.equal(await tab.locator('script').count(), 0);

  for (const id of FIGURES) {
    const svg = tab.locator(`figure#${id} > svg`);
    assert.equal(await svg.count(), 1, `${id}: one <svg>`);
    const box = await svg.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 50, `${id}: rendered size ${JSON.stringify(box)}`);
    // Marks drawn: Vega's mark groups hold one element per datum, each with a drawn extent.
    const marks = await svg.evaluate((el) => {
      const items = [...el.querySelectorAll('.role-mark > *')] as SVGGraphicsElement[];
      return items.filter((m) => {
        const b = m.getBBox();
        return b.width > 0 || b.height > 0;
      }).length;
    });
    assert.ok(marks > 0, `${id}: ${marks} marks with an extent`);
    assert.ok(await svg.locator('.role-axis').count() >= 2, `${id}: axes`);
  }

  // Labels show as text, never as markup: no <b> from the data anywhere in the page.
  const text = await tab.locator('body').innerText();
  for (const label of LABELS) assert.ok(text.includes(label), label);
  assert.equal(await tab.locator('td b, figure b').count(), 0);
  const axisLabels = await tab.locator('figure#ops-by-class svg text').allTextContents();
  assert.ok(axisLabels.some((t) => t.startsWith('<b>bold</b>')), axisLabels.join(' | '));
  assert.ok((await tab.locator('figure#sweep svg text').allTextContents()).some((t) => t.startsWith('line-alternating bound')));

  assert.deepEqual(problems, [], 'nothing went wrong after load either');
  await context.close();
});
