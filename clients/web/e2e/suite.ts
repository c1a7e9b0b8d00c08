/**
 * One browser test file's setup: the web app built and served in front of a whole stack for the
 * file (`beforeAll`), the screenshots folder, and browsers for the people in its tests, all
 * closed when the file ends (`afterAll`). Call `webAppSuite` once at the top of the file.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Listening } from '@crm/runtime';
import type { Stack } from '@crm/stack';
import { afterAll, beforeAll, onTestFailed } from 'vitest';
import { openBrowser, startBuiltWebApp, type BuiltWebApp, type Person } from './browser.ts';

/** Where the tests save the screenshots the docs show. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots', import.meta.url));

export interface WebAppSuite {
  /** The stack behind the app (once the file's `beforeAll` ran). */
  readonly stack: Stack;
  /** The app's web server (once the file's `beforeAll` ran). */
  readonly web: Listening;
  /** A browser of its own for one person of a test; closed when the file ends. */
  open(viewport: { width: number; height: number }): Promise<Person>;
  /** When the running test fails, saves every open browser's page to the temp folder as `crm-web-<name>-<n>.png`. */
  screenshotOnFailure(name: string, options?: { fullPage?: boolean }): void;
}

export function webAppSuite(label: string): WebAppSuite {
  const people: Person[] = [];
  let app: BuiltWebApp | undefined;
  beforeAll(async () => {
    app = await startBuiltWebApp(label);
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    for (const person of people) await person.close().catch(() => undefined);
    await app?.close();
  });
  const started = (): BuiltWebApp => {
    if (!app) throw new Error('The web app starts in beforeAll: use the suite inside tests');
    return app;
  };
  return {
    get stack() {
      return started().stack;
    },
    get web() {
      return started().web;
    },
    async open(viewport) {
      const person = await openBrowser(viewport);
      people.push(person);
      return person;
    },
    screenshotOnFailure(name, options = {}) {
      onTestFailed(async () => {
        for (const [index, person] of people.entries()) {
          await person.page.screenshot({ path: join(tmpdir(), `crm-web-${name}-${index}.png`), ...options }).catch(() => undefined);
        }
      });
    },
  };
}
