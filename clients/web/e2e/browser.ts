/**
 * Headless Chromium for the browser tests: Debian's `chromium` (scripts/infra/chromium.sh
 * installs it), driven by playwright-core; no browser is ever downloaded. Each person in a test
 * gets their own browser with a fresh profile directory. Sign-in goes through the platform's OpenID
 * Connect provider, as a person would: the app's "Sign in" button, the provider's page, back in the app.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Listening } from '@crm/runtime';
import type { Stack, StackConfig } from '@crm/stack';
import { serveWebApp } from '@crm/stack/web';
import { startRealStack } from '@crm/testkit';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, reproducible headless run (no GPU, sandbox, QUIC, sync or background traffic). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails with a clear message when Chromium is not installed. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`bash scripts/infra/chromium.sh\` (Debian's chromium package) first.`);
  }
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page, in order. */
  problems: string[];
  close(): Promise<void>;
}

/** A browser of its own (fresh `--user-data-dir`), with one page whose console errors are collected. */
export async function openBrowser(viewport: { width: number; height: number }): Promise<Person> {
  const profile = await mkdtemp(join(tmpdir(), 'crm-web-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // A failed load names no resource in its text: add where it came from.
    const where = message.location().url;
    problems.push(where && /failed to load resource/i.test(message.text()) ? `console: ${message.text()} (${where})` : `console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The web app (served from `distDir`) and the whole product behind it. The web server starts
 * first, so its origin's `/auth/callback` is registered as a redirect URI of `crm-web` when the
 * platform starts.
 */
export async function startWebAndStack(distDir: string, overrides: Partial<StackConfig> = {}): Promise<{ stack: Stack; web: Listening }> {
  let gatewayPort = 0;
  const web = await serveWebApp(distDir, () => gatewayPort, 0);
  try {
    const stack = await startRealStack({ webRedirectUris: [new URL('/auth/callback', web.url).toString()], ...overrides });
    gatewayPort = Number(new URL(stack.gatewayUrl).port);
    return { stack, web };
  } catch (error) {
    await web.close();
    throw error;
  }
}

const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds the app as `pnpm --filter @crm/web build` does, into a new folder of its own: browser
 * test files run side by side, and a build empties the folder it writes to.
 */
export async function buildWebApp(label: string): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), `crm-web-${label}-dist-`));
  await promisify(execFile)(process.execPath, [join(WEB_DIR, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
    cwd: WEB_DIR,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return outDir;
}

export interface BuiltWebApp {
  stack: Stack;
  web: Listening;
  /** Stops the web server and the stack, and removes the build. */
  close(): Promise<void>;
}

/** The app built for one test file (`buildWebApp`) and served in front of a whole stack (`startWebAndStack`). */
export async function startBuiltWebApp(label: string, overrides: Partial<StackConfig> = {}): Promise<BuiltWebApp> {
  requireChromium();
  const distDir = await buildWebApp(label);
  try {
    const { stack, web } = await startWebAndStack(distDir, overrides);
    return {
      stack,
      web,
      async close() {
        await web.close();
        await stack.stop();
        await rm(distDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(distDir, { recursive: true, force: true });
    throw error;
  }
}

/** From the app's sign-in screen to the provider's sign-in page. */
export async function openProviderSignIn(page: Page, webUrl: string): Promise<void> {
  await page.goto(webUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'));
  await page.getByLabel('Password').waitFor();
}

/**
 * Fills and sends the provider's sign-in form. When the email belongs to several workspaces the
 * provider asks for one: the workspace is entered and the form sent again. Returns the alert the
 * provider shows when it refuses, or null when it let the person through.
 */
export async function submitProviderSignIn(page: Page, email: string, password: string, workspace: string): Promise<string | null> {
  const send = async () => {
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/oidc/interaction/') || url.pathname.endsWith('/login'));
  };
  await page.getByLabel('Email').fill(email);
  await send();
  const workspaceField = page.getByLabel('Workspace');
  if (new URL(page.url()).pathname.startsWith('/oidc/') && (await workspaceField.count()) > 0 && (await workspaceField.inputValue()) === '') {
    await workspaceField.fill(workspace);
    await send();
  }
  if (new URL(page.url()).pathname.startsWith('/oidc/')) return (await page.getByRole('alert').textContent())?.trim() ?? 'refused';
  return null;
}

/**
 * Signs in through the platform's OpenID Connect provider: "Sign in" in the app, email and
 * password (and the workspace when the provider asks for it) on the provider's page, then back in
 * the app once the code is exchanged.
 */
export async function signInThroughProvider(page: Page, webUrl: string, email: string, password: string, workspace: string): Promise<void> {
  await openProviderSignIn(page, webUrl);
  const refused = await submitProviderSignIn(page, email, password, workspace);
  if (refused) throw new Error(`The provider refused the sign-in of ${email}: ${refused}`);
  const origin = new URL(webUrl).origin;
  await page.waitForURL((url) => url.origin === origin && url.pathname !== '/auth/callback' && !url.pathname.startsWith('/oidc/'));
}
