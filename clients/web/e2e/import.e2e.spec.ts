/**
 * CSV import, export and saved list views in a real browser, against the whole product started
 * in-process on real PostgreSQL, Kafka and Redis: a tenant admin uploads a file of contacts with one
 * bad row from Settings → Import, checks the mapping and preview, saves the mapping, starts the
 * import and watches its progress reach the end live, downloads the error report naming the bad
 * row, finds the imported contacts in the list (which moves a view an earlier version kept in the
 * browser to the server), exports the (filtered) list as CSV, saves a shared view of the list as
 * its default and sees the list open with it after a reload, then undoes the import. A file of leads gets the
 * mapping the API suggests for leads and lands in the leads list.
 * Screenshots: docs/screenshots/import.png (the summary), import-mapping.png, saved-views.png.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTenantWithUsers } from '@crm/testkit';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signInThroughProvider } from './browser.ts';
import { SCREENSHOTS, webAppSuite } from './suite.ts';

const DESKTOP = { width: 1280, height: 900 };

const suite = webAppSuite('import');

/** Signs in as the app does, through the platform's sign-in page, and waits for the board. */
async function signIn(page: Page, email: string, password: string, workspace: string): Promise<void> {
  await signInThroughProvider(page, suite.web.url, email, password, workspace);
  await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
}

/** Clicks `button` and returns the text of the file the browser downloads. */
async function downloadedText(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download') as Promise<Download>, click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

function csvLines(text: string): string[] {
  return text.trimEnd().split(/\r?\n/);
}

describe('CSV import in the web app', () => {
  it('imports a file with a bad row, reports it, lists and exports the contacts, and keeps a saved view', async () => {
    suite.screenshotOnFailure('import-failure');
    const slug = `imp-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const { users } = await createTenantWithUsers(suite.stack, { name: 'Import Test Inc', slug }, [{ email: `admin@${slug}.test`, name: 'Ida Importer', role: 'TENANT_ADMIN', password }]);
    const ada = `ada-${slug}@example.com`;
    const grace = `grace-${slug}@example.com`;
    const csv = ['First Name,Last Name,E-mail,Phone,Notes', `Ada,Lovelace,${ada},+44 20 7946 0000,first`, 'Alan,Turing,not-an-email,,second', `Grace,Hopper,${grace},,"third, quoted"`, ''].join('\r\n');

    const person = await suite.open(DESKTOP);
    const page = person.page;
    page.on('dialog', (dialog) => void dialog.accept());
    // What the gateway sends on the app's graphql-ws connection: progress must arrive live.
    const liveStatuses: string[] = [];
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString('utf8');
        const status = /"importProgress":\{[^}]*"status":"([A-Z]+)"/.exec(text)?.[1];
        if (status) liveStatuses.push(status);
      });
    });
    await signIn(page, `admin@${slug}.test`, password, slug);

    // Settings → Import: no imports yet; upload without a file is refused in words.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Import' }).click();
    await page.getByText('No imports yet.').waitFor();
    const uploadForm = page.getByRole('form', { name: 'Upload a CSV file' });
    await uploadForm.getByRole('button', { name: 'Upload' }).click();
    await uploadForm.getByRole('alert').getByText('Choose a CSV file to upload.').waitFor();
    await uploadForm.getByLabel('Import as').selectOption('CONTACT');
    await uploadForm.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await uploadForm.getByRole('button', { name: 'Upload' }).click();

    // The import's page: detected columns, the suggested mapping, the preview naming the bad row.
    await page.getByRole('heading', { name: /people\.csv/ }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/settings\/import\/[0-9a-f-]{36}$/);
    await page.getByText(/5 columns, 3 rows, separated by commas/).waitFor();
    expect(await page.getByLabel('Field for column First Name').inputValue()).toBe('firstName');
    expect(await page.getByLabel('Field for column E-mail').inputValue()).toBe('email');
    expect(await page.getByLabel('Field for column Notes').inputValue()).toBe('');
    const preview = page.getByRole('table', { name: 'Preview of the first rows' });
    await preview.getByRole('row').filter({ hasText: 'not-an-email' }).getByText(/E-mail: .*e-mail/i).waitFor();

    // A field given to another column moves; without last name the import cannot start.
    await page.getByLabel('Field for column Notes').selectOption('lastName');
    expect(await page.getByLabel('Field for column Last Name').inputValue()).toBe('');
    await page.getByLabel('Field for column Notes').selectOption('');
    await page.getByText('Map a column to Last name: every record needs it.').waitFor();
    expect(await page.getByRole('button', { name: /^Start import/ }).isDisabled()).toBe(true);
    await page.getByLabel('Field for column Last Name').selectOption('lastName');
    await page.screenshot({ path: join(SCREENSHOTS, 'import-mapping.png'), fullPage: true });

    // Save the mapping for next time; it is then offered.
    const mappingName = `People ${slug}`;
    await page.getByLabel('Save this mapping as').fill(mappingName);
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByLabel('Saved mapping').getByRole('option', { name: mappingName }).waitFor({ state: 'attached' });
    expect(await page.getByLabel('Saved mapping').inputValue()).not.toBe('');

    // Start with "update duplicates": progress reaches the end live.
    await page.getByLabel(/Update duplicates/).check();
    await page.getByRole('button', { name: 'Start import of 3 contacts' }).click();
    const outcome = page.getByRole('region', { name: 'Import progress' });
    await outcome.getByText('Completed', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await outcome.getByRole('progressbar').getAttribute('value')).toBe('100');
    await outcome.getByText('3 of 3 rows · 2 created · 0 updated · 0 skipped · 1 failed').waitFor();
    expect(liveStatuses).toContain('COMPLETED');
    const failedRows = outcome.getByRole('table', { name: /Rows that were not imported/ });
    await failedRows.getByRole('row').filter({ hasText: 'E-mail' }).getByRole('cell', { name: '3', exact: true }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'import.png') });

    // The error report: row 3, the E-mail column, the row as it was.
    const report = await downloadedText(page, () => outcome.getByRole('button', { name: 'Download error report' }).click());
    const reportLines = csvLines(report.text);
    expect(reportLines[0]).toBe('row,column,reason,First Name,Last Name,E-mail,Phone,Notes');
    expect(reportLines).toHaveLength(2);
    expect(reportLines[1]).toMatch(/^3,E-mail,.*,Alan,Turing,not-an-email,,second$/);

    // A view an earlier version of the app kept in this browser: the list moves it to the server once.
    const legacyKey = `crm.savedViews.v1:${users[0]!.id}:contacts`;
    const legacyViews = [{ id: 'old-1', name: 'Hopper (this browser)', search: 'Hopper', choice: '', sort: { field: 'EMAIL', direction: 'DESC' }, columns: ['name', 'email'], savedAt: Date.now() }];
    await page.evaluate(`localStorage.setItem(${JSON.stringify(legacyKey)}, ${JSON.stringify(JSON.stringify(legacyViews))})`);

    // The imported contacts in the list.
    await outcome.getByRole('link', { name: 'View contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
    await page.getByText('Moved 1 view saved in this browser to your account.').waitFor();
    await page.getByLabel('Saved view').getByRole('option', { name: 'Hopper (this browser)' }).waitFor({ state: 'attached' });
    expect(await page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(legacyKey)})`)).toBeNull();

    // Export: the whole list, then the filtered one.
    const all = await downloadedText(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(all.name).toMatch(/^contacts.*\.csv$/);
    const allLines = csvLines(all.text);
    expect(allLines[0]!.startsWith('id,firstName,lastName,email')).toBe(true);
    expect(allLines.slice(1).map((line) => line.split(',')[3]).sort()).toEqual([ada, grace]);
    await page.getByRole('searchbox').fill('Lovelace');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Grace Hopper' }).waitFor({ state: 'detached' });
    const filtered = await downloadedText(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(csvLines(filtered.text).slice(1).map((line) => line.split(',')[3])).toEqual([ada]);

    // A saved view, shared with the workspace and made the list's default: the search, a sort and
    // a hidden column, which the list opens with after a reload (the view lives on the server).
    await page.getByRole('button', { name: 'Email', exact: true }).click();
    await page.getByText('Columns', { exact: true }).click();
    await page.getByRole('checkbox', { name: 'Owner' }).uncheck();
    await page.getByRole('columnheader', { name: 'Owner' }).waitFor({ state: 'detached' });
    await page.getByLabel('Save current view as').fill('x'.repeat(81));
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('group', { name: 'Views' }).getByRole('alert').getByText('A view name has at most 80 characters.').waitFor();
    await page.getByLabel('Save current view as').fill('Lovelace by email');
    await page.getByRole('checkbox', { name: 'Share with everyone' }).check();
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByText('Saved the view “Lovelace by email”, shared with everyone.').waitFor();
    await page.getByRole('button', { name: 'Open the list with this view' }).click();
    await page.getByText('The list now opens with “Lovelace by email”.').waitFor();

    await page.reload();
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    await page.getByRole('link', { name: 'Grace Hopper' }).waitFor({ state: 'detached' });
    await page.getByRole('columnheader', { name: 'Owner' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('searchbox').inputValue()).toBe('Lovelace');
    expect(await page.getByRole('columnheader', { name: /Email/ }).getAttribute('aria-sort')).toBe('ascending');
    expect(await page.getByLabel('Saved view').inputValue()).not.toBe('');
    await page.getByRole('group', { name: 'Views' }).getByText('Default', { exact: true }).waitFor();
    expect(await page.getByLabel('Saved view').locator('optgroup').evaluateAll((groups) => groups.map((g) => g.getAttribute('label')))).toEqual(['My views', 'Shared with everyone']);
    await page.screenshot({ path: join(SCREENSHOTS, 'saved-views.png') });

    // The imported view applies like any other.
    await page.getByLabel('Saved view').selectOption({ label: 'Hopper (this browser)' });
    await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('searchbox').inputValue()).toBe('Hopper');
    await page.getByRole('columnheader', { name: 'Owner' }).waitFor({ state: 'detached' });

    await page.getByLabel('Saved view').selectOption({ label: 'Lovelace by email' });
    await page.getByRole('button', { name: 'Delete view' }).click();
    await page.getByText('Deleted the view “Lovelace by email”.').waitFor();
    expect(await page.getByLabel('Saved view').getByRole('option').allTextContents()).toEqual(['Choose…', 'Hopper (this browser)']);

    // Recent imports list the file; undo removes the contacts it created.
    await page.goto(new URL('/settings/import', suite.web.url).toString());
    const recent = page.getByRole('table', { name: 'Recent imports' });
    await recent.getByRole('row').filter({ hasText: 'people.csv' }).getByText('Completed').waitFor();
    await recent.getByRole('link', { name: 'people.csv' }).click();
    await page.getByRole('button', { name: 'Undo import' }).click();
    await outcome.getByText('Undone', { exact: true }).waitFor({ timeout: 30_000 });
    await page.goto(new URL('/contacts', suite.web.url).toString());
    await page.getByText('There are no contacts yet.').waitFor();

    expect(person.problems).toEqual([]);
  }, 240_000);

  it('imports leads with the mapping the API suggests for a lead file', async () => {
    const slug = `impl-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    await createTenantWithUsers(suite.stack, { name: 'Lead Import Inc', slug }, [{ email: `admin@${slug}.test`, name: 'Lena Leads', role: 'TENANT_ADMIN', password }]);
    const csv = ['Full Name,Company,Email,Lead Source', `Kathy Johnson,Initech,kathy-${slug}@initech.example,trade fair`, `Bob Slydell,Initech,bob-${slug}@initech.example,web`, ''].join('\n');

    const person = await suite.open(DESKTOP);
    const page = person.page;
    await signIn(page, `admin@${slug}.test`, password, slug);
    await page.goto(new URL('/settings/import', suite.web.url).toString());
    const uploadForm = page.getByRole('form', { name: 'Upload a CSV file' });
    await uploadForm.getByLabel('Import as').selectOption('LEAD');
    await uploadForm.getByLabel('CSV file').setInputFiles({ name: 'fair.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await uploadForm.getByRole('button', { name: 'Upload' }).click();

    await page.getByRole('heading', { name: /fair\.csv/ }).waitFor();
    await page.getByText('When a row matches an existing record (by e-mail)').waitFor();
    expect(await page.getByLabel('Field for column Full Name').inputValue()).toBe('name');
    expect(await page.getByLabel('Field for column Company').inputValue()).toBe('company');
    expect(await page.getByLabel('Field for column Lead Source').inputValue()).toBe('source');
    await page.getByRole('button', { name: 'Start import of 2 leads' }).click();
    const outcome = page.getByRole('region', { name: 'Import progress' });
    await outcome.getByText('Completed', { exact: true }).waitFor({ timeout: 30_000 });
    await outcome.getByText('2 of 2 rows · 2 created · 0 updated · 0 skipped · 0 failed').waitFor();
    expect(await outcome.getByRole('button', { name: 'Download error report' }).count()).toBe(0);
    await outcome.getByRole('link', { name: 'View leads' }).click();
    await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Kathy Johnson' }).waitFor();
    await page.getByRole('link', { name: 'Bob Slydell' }).waitFor();

    expect(person.problems).toEqual([]);
  }, 120_000);
});
