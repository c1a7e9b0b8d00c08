/**
 * The web app's weight and the board's time to interactive, in Debian's headless Chromium.
 *
 * 1. Bundle: a production build (`vite build`), then the gzip size (level 6, what servers send by
 *    default) of what the initial route loads — the entry script, its module preloads and the
 *    stylesheets named in `index.html` — and of the whole build for comparison.
 * 2. Board: the product on real PostgreSQL, Redis and Kafka, a pipeline with BENCH_DEALS deals
 *    (default 500; 20 accounts, 5 owners), a signed-in admin, then BENCH_RUNS (default 5) loads of
 *    the board. Per load: first contentful paint, the time every deal card is on screen, and time
 *    to interactive — the end of the last long task (> 50 ms on the main thread) before a quiet
 *    window of 2 s after the cards are on screen (Lighthouse waits 5 s and also for a quiet
 *    network; the board keeps a subscription open, so the network never goes quiet). Medians printed.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createAccount, createDeal, createPipeline, createTenantWithUsers, STANDARD_STAGES } from '@crm/stack';
import { buildWebApp, openBrowser, requireChromium, signInThroughProvider, startWebAndStack } from '../clients/web/e2e/browser.ts';

const DEALS = Number(process.env.BENCH_DEALS ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const QUIET_MS = 2_000;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const gz = (file: string) => gzipSync(readFileSync(file), { level: 6 }).length;

// 1. Bundle
const distDir = await buildWebApp('bench');
const html = readFileSync(join(distDir, 'index.html'), 'utf8');
const initial = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="\/?([^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
const everything = walk(distDir).filter((file) => /\.(js|css)$/.test(file));
console.log(`bundle: initial route ${initial.length} files, ${kib(initial.reduce((sum, file) => sum + statSync(join(distDir, file)).size, 0))} raw, ${kib(initial.reduce((sum, file) => sum + gz(join(distDir, file)), 0))} gzip`);
for (const file of initial) console.log(`  ${file}: ${kib(gz(join(distDir, file)))} gzip`);
console.log(`bundle: whole build ${everything.length} js/css files, ${kib(everything.reduce((sum, file) => sum + gz(file), 0))} gzip`);

// 2. Board time to interactive
requireChromium();
const { stack, web } = await startWebAndStack(distDir);
const person = await openBrowser({ width: 1440, height: 900 });
try {
  const slug = `bench-web-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  const { users } = await createTenantWithUsers(stack, { name: 'Bench Web Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'Admin', role: 'TENANT_ADMIN' as const, password },
    ...Array.from({ length: 5 }, (_, i) => ({ email: `rep${i}@${slug}.test`, name: `Rep ${i}`, role: 'SALES_REP' as const, password })),
  ]);
  const [admin, ...owners] = users as [(typeof users)[0], ...typeof users];
  const url = stack.gatewayUrl;
  const pipeline = await createPipeline(url, admin.token, 'Bench pipeline', STANDARD_STAGES);
  const accounts: Array<{ id: string }> = [];
  for (let i = 0; i < 20; i++) accounts.push(await createAccount(url, admin.token, { name: `Account ${i}` }));
  for (let i = 0; i < DEALS; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, DEALS - i) }, (_, j) =>
        createDeal(url, admin.token, {
          pipelineId: pipeline.id,
          stageId: pipeline.stages[(i + j) % 4]!.id,
          name: `Deal ${i + j}`,
          amount: `${1000 + i + j}.00`,
          currency: 'USD',
          accountId: accounts[(i + j) % accounts.length]!.id,
          ownerId: owners[(i + j) % owners.length]!.id,
        }),
      ),
    );
  }

  const { page } = person;
  // Long tasks and the moment every card is on screen, recorded by the page itself (this function
  // runs in the browser; the bench is compiled without DOM types, hence the narrow casts).
  await page.addInitScript((expected: number) => {
    interface PageGlobals {
      __bench: { longTasks: Array<[number, number]>; cardsAt: number };
      document: { querySelectorAll(selector: string): { length: number } };
      performance: { now(): number };
      PerformanceObserver: new (callback: (list: { getEntries(): Array<{ startTime: number; duration: number }> }) => void) => { observe(options: { entryTypes: string[] }): void };
    }
    const page = globalThis as unknown as PageGlobals;
    const state: PageGlobals['__bench'] = { longTasks: [], cardsAt: -1 };
    page.__bench = state;
    // Checked every 16 ms, independent of how React commits the cards.
    const timer = setInterval(() => {
      if (page.document.querySelectorAll('article.deal-card').length < expected) return;
      state.cardsAt = page.performance.now();
      clearInterval(timer);
    }, 16);
    new page.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) state.longTasks.push([entry.startTime, entry.startTime + entry.duration]);
    }).observe({ entryTypes: ['longtask'] });
  }, Math.min(DEALS, 500));
  await signInThroughProvider(page, web.url, `admin@${slug}.test`, password, slug);

  const samples: Array<{ fcp: number; cards: number; tti: number; longTasks: number }> = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(new URL('/', web.url).toString());
    try {
      await page.waitForFunction(() => (globalThis as unknown as { __bench: { cardsAt: number } }).__bench.cardsAt >= 0, undefined, { timeout: 60_000 });
    } catch (error) {
      const cards = await page.locator('article.deal-card').count();
      throw new Error(`The board did not show its ${Math.min(DEALS, 500)} deals within 60 s (${cards} cards at ${page.url()})`, { cause: error });
    }
    await page.waitForTimeout(QUIET_MS + 500);
    const sample = await page.evaluate((quietMs: number) => {
      const state = (globalThis as unknown as { __bench: { longTasks: Array<[number, number]>; cardsAt: number } }).__bench;
      const timing = (globalThis as unknown as { performance: { getEntriesByName(name: string): Array<{ startTime: number }> } }).performance;
      const fcp = timing.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1;
      // The last long task that ends before a quiet window of `quietMs` begins after the cards are shown.
      let tti = state.cardsAt;
      for (const [start, end] of state.longTasks.sort((a, b) => a[0] - b[0])) {
        if (start <= tti + quietMs) tti = Math.max(tti, end);
      }
      return { fcp, cards: state.cardsAt, tti, longTasks: state.longTasks.length };
    }, QUIET_MS);
    samples.push(sample);
  }
  console.log(`board (${Math.min(DEALS, 500)} deals, ${RUNS} loads, Chromium headless): first contentful paint ${median(samples.map((s) => s.fcp)).toFixed(0)} ms, all cards on screen ${median(samples.map((s) => s.cards)).toFixed(0)} ms, time to interactive ${median(samples.map((s) => s.tti)).toFixed(0)} ms (medians; long tasks per load ${median(samples.map((s) => s.longTasks))})`);
  console.log(`  per load: ${samples.map((s) => `${s.tti.toFixed(0)} ms`).join(', ')}`);
  if (person.problems.length) console.log(`  console problems: ${person.problems.join('; ')}`);
} finally {
  await person.close();
  await web.close();
  await stack.stop();
  await rm(distDir, { recursive: true, force: true });
}
