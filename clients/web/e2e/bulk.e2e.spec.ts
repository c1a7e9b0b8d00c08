/**
 * Bulk actions on the contacts list in a real browser, against the whole product started in-process
 * on real PostgreSQL, Kafka and Redis: a tenant admin selects three contacts (one by one and with the
 * keyboard), assigns them to the sales manager, tags them (their existing tags are kept), moves two
 * to the trash after confirming and undoes it; then a bulk tag over a contact trashed meanwhile by
 * someone else reports that record as refused, with the API's message, and the others as done.
 * A sales rep handing their contacts to the manager sees each one refused (FORBIDDEN). An admin
 * assigns an account, and trashes and restores a lead (leads have no bulk owner change).
 * Screenshot: docs/screenshots/bulk-actions.png.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createTenantWithUsers, gqlOk } from '@crm/testkit';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signInThroughProvider } from './browser.ts';
import { SCREENSHOTS, webAppSuite } from './suite.ts';

const DESKTOP = { width: 1280, height: 900 };

const suite = webAppSuite('bulk');

async function signIn(page: Page, email: string, password: string, workspace: string): Promise<void> {
  await signInThroughProvider(page, suite.web.url, email, password, workspace);
  await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
}

interface ContactState {
  owner: { id: string } | null;
  tags: string[];
  deletedAt: string | null;
}

async function contactState(token: string, id: string): Promise<ContactState> {
  const { contact } = await gqlOk<{ contact: ContactState }>(suite.stack.gatewayUrl, 'query($id: ID!) { contact(id: $id) { owner { id } tags deletedAt } }', { id }, { token });
  return contact;
}

describe('bulk actions on the contacts list', () => {
  it('assigns, tags, trashes and restores selected contacts, and reports refused ones', async () => {
    suite.screenshotOnFailure('bulk-failure');
    const slug = `bulk-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const { users } = await createTenantWithUsers(suite.stack, { name: 'Bulk Test Inc', slug }, [
      { email: `admin@${slug}.test`, name: 'Ada Admin', role: 'TENANT_ADMIN', password },
      { email: `manager@${slug}.test`, name: 'Max Manager', role: 'SALES_MANAGER', password },
    ]);
    const admin = users[0]!;
    const manager = users[1]!;
    const names = [
      ['Grace', 'Hopper'],
      ['Alan', 'Turing'],
      ['Edsger', 'Dijkstra'],
      ['Barbara', 'Liskov'],
    ] as const;
    const ids: Record<string, string> = {};
    for (const [firstName, lastName] of names) {
      const { createContact } = await gqlOk<{ createContact: { id: string; name: string } }>(
        suite.stack.gatewayUrl,
        'mutation($input: CreateContactInput!) { createContact(input: $input) { id name } }',
        { input: { firstName, lastName, email: `${firstName.toLowerCase()}-${slug}@example.com`, tags: ['vip'] } },
        { token: admin.token },
      );
      ids[createContact.name] = createContact.id;
    }
    const chosen = ['Grace Hopper', 'Alan Turing', 'Edsger Dijkstra'];

    const person = await suite.open(DESKTOP);
    const page = person.page;
    await signIn(page, `admin@${slug}.test`, password, slug);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    const table = page.locator('table.records');
    await table.getByRole('link', { name: 'Barbara Liskov' }).waitFor();

    // No selection, no bar. Select two with the mouse and one with the keyboard.
    expect(await page.getByRole('region', { name: 'Bulk actions on contacts' }).count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Select Grace Hopper' }).check();
    await page.getByRole('checkbox', { name: 'Select Alan Turing' }).check();
    await page.getByRole('checkbox', { name: 'Select Edsger Dijkstra' }).focus();
    await page.keyboard.press('Space');
    const bar = page.getByRole('region', { name: 'Bulk actions on contacts' });
    await bar.getByText('3 contacts selected').waitFor();
    // The page's checkbox is mixed while part of the page is selected.
    expect(await page.getByRole('checkbox', { name: 'Select all contacts on this page' }).evaluate((el) => (el as { indeterminate: boolean }).indeterminate)).toBe(true);

    // Assign owner: the manager.
    await bar.getByLabel('Owner', { exact: true }).selectOption({ label: 'Max Manager' });
    await bar.getByRole('button', { name: 'Assign owner' }).click();
    await bar.getByRole('status').getByText('3 contacts assigned.').waitFor();
    for (const name of chosen) {
      await table.getByRole('row').filter({ has: page.getByRole('link', { name }) }).getByRole('cell', { name: 'Max Manager' }).waitFor();
    }
    for (const name of chosen) expect((await contactState(admin.token, ids[name]!)).owner?.id).toBe(manager.id);
    expect((await contactState(admin.token, ids['Barbara Liskov']!)).owner?.id).not.toBe(manager.id);

    // Tag: an empty tag is refused in words; a tag is added to the existing ones.
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await bar.getByRole('alert').getByText('Enter a tag to add.').waitFor();
    await bar.getByLabel('Tag', { exact: true }).fill('event-2026');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await bar.getByRole('status').getByText('3 contacts tagged “event-2026”.').waitFor();
    for (const name of chosen) expect((await contactState(admin.token, ids[name]!)).tags).toEqual(['vip', 'event-2026']);
    expect((await contactState(admin.token, ids['Barbara Liskov']!)).tags).toEqual(['vip']);

    // Delete two: keep only Grace and Alan selected, confirm, then undo.
    await page.getByRole('checkbox', { name: 'Select Edsger Dijkstra' }).uncheck();
    await bar.getByText('2 contacts selected').waitFor();
    await bar.getByRole('button', { name: 'Delete…' }).click();
    await bar.getByRole('group', { name: 'Confirm moving to the trash' }).getByRole('button', { name: 'Cancel' }).click();
    expect((await contactState(admin.token, ids['Grace Hopper']!)).deletedAt).toBeNull();
    await bar.getByRole('button', { name: 'Delete…' }).click();
    await bar.getByText('Move 2 contacts to the trash?').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'bulk-actions.png'), fullPage: true });
    await bar.getByRole('button', { name: 'Move to trash' }).click();
    await bar.getByRole('status').getByText('2 contacts moved to the trash.').waitFor();
    await table.getByRole('link', { name: 'Grace Hopper' }).waitFor({ state: 'detached' });
    await table.getByRole('link', { name: 'Alan Turing' }).waitFor({ state: 'detached' });
    await table.getByRole('link', { name: 'Edsger Dijkstra' }).waitFor();
    expect((await contactState(admin.token, ids['Grace Hopper']!)).deletedAt).not.toBeNull();
    await bar.getByRole('button', { name: 'Undo' }).click();
    await bar.getByRole('status').getByText('2 contacts restored.').waitFor();
    await table.getByRole('link', { name: 'Grace Hopper' }).waitFor();
    await table.getByRole('link', { name: 'Alan Turing' }).waitFor();
    expect((await contactState(admin.token, ids['Grace Hopper']!)).deletedAt).toBeNull();
    expect((await contactState(admin.token, ids['Alan Turing']!)).deletedAt).toBeNull();

    // A contact trashed by someone else after it was selected: the others are tagged, it is listed as refused.
    await page.getByRole('checkbox', { name: 'Select all contacts on this page' }).check();
    await bar.getByText('4 contacts selected').waitFor();
    await gqlOk(suite.stack.gatewayUrl, 'mutation($ids: [ID!]!) { deleteContacts(ids: $ids) { id } }', { ids: [ids['Barbara Liskov']] }, { token: admin.token });
    await bar.getByLabel('Tag', { exact: true }).fill('q3');
    await bar.getByRole('button', { name: 'Add tag' }).click();
    await bar.getByRole('status').getByText('3 of 4 contacts tagged “q3”; 1 failed.').waitFor();
    const refused = bar.getByRole('list', { name: 'Not changed' }).getByRole('listitem');
    expect(await refused.count()).toBe(1);
    expect(await refused.textContent()).toMatch(/^Barbara Liskov: .+\((NOT_FOUND|CONFLICT|BAD_USER_INPUT)\)$/);
    for (const name of chosen) expect((await contactState(admin.token, ids[name]!)).tags).toEqual(['vip', 'event-2026', 'q3']);

    await bar.getByRole('button', { name: 'Clear selection' }).click();
    expect(await table.getByRole('checkbox', { checked: true }).count()).toBe(0);
    expect(person.problems).toEqual([]);
  }, 180_000);

  it('lists each contact a sales rep may not hand over, with the reason', async () => {
    const slug = `bulkrep-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const { users } = await createTenantWithUsers(suite.stack, { name: 'Bulk Rep Inc', slug }, [
      { email: `manager@${slug}.test`, name: 'Max Manager', role: 'SALES_MANAGER', password },
      { email: `rep@${slug}.test`, name: 'Rita Rep', role: 'SALES_REP', password },
    ]);
    const rep = users[1]!;
    const ids: string[] = [];
    for (const [firstName, lastName] of [
      ['Ken', 'Thompson'],
      ['Dennis', 'Ritchie'],
    ] as const) {
      const { createContact } = await gqlOk<{ createContact: { id: string } }>(
        suite.stack.gatewayUrl,
        'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }',
        { input: { firstName, lastName } },
        { token: rep.token },
      );
      ids.push(createContact.id);
    }

    const person = await suite.open(DESKTOP);
    const page = person.page;
    await signIn(page, `rep@${slug}.test`, password, slug);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Contacts' }).click();
    const table = page.locator('table.records');
    await table.getByRole('link', { name: 'Dennis Ritchie' }).waitFor();
    await page.getByRole('checkbox', { name: 'Select all contacts on this page' }).check();
    const bar = page.getByRole('region', { name: 'Bulk actions on contacts' });
    await bar.getByText('2 contacts selected').waitFor();
    await bar.getByLabel('Owner', { exact: true }).selectOption({ label: 'Max Manager' });
    await bar.getByRole('button', { name: 'Assign owner' }).click();
    await bar.getByRole('status').getByText('None of the 2 contacts were assigned.').waitFor();
    const refused = bar.getByRole('list', { name: 'Not changed' }).getByRole('listitem');
    const texts = (await refused.allTextContents()).sort();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^Dennis Ritchie: .+\(FORBIDDEN\)$/);
    expect(texts[1]).toMatch(/^Ken Thompson: .+\(FORBIDDEN\)$/);
    for (const id of ids) expect((await contactState(rep.token, id)).owner?.id).toBe(rep.id);
    expect(person.problems).toEqual([]);
  }, 180_000);

  it('assigns accounts, and trashes and restores leads, whose owner is not changed in bulk', async () => {
    const slug = `bulkacc-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const { users } = await createTenantWithUsers(suite.stack, { name: 'Bulk Accounts Inc', slug }, [
      { email: `admin@${slug}.test`, name: 'Ada Admin', role: 'TENANT_ADMIN', password },
      { email: `manager@${slug}.test`, name: 'Max Manager', role: 'SALES_MANAGER', password },
    ]);
    const admin = users[0]!;
    const manager = users[1]!;
    const { createAccount } = await gqlOk<{ createAccount: { id: string } }>(
      suite.stack.gatewayUrl,
      'mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }',
      { input: { name: 'Initech', domain: `initech-${slug}.example` } },
      { token: admin.token },
    );
    const { createLead } = await gqlOk<{ createLead: { id: string } }>(
      suite.stack.gatewayUrl,
      'mutation($input: CreateLeadInput!) { createLead(input: $input) { id } }',
      { input: { name: 'Peter Gibbons', company: 'Initech' } },
      { token: admin.token },
    );

    const person = await suite.open(DESKTOP);
    const page = person.page;
    await signIn(page, `admin@${slug}.test`, password, slug);
    const sections = page.getByRole('navigation', { name: 'Sections' });
    const table = page.locator('table.records');

    await sections.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('checkbox', { name: 'Select Initech' }).check();
    const accountsBar = page.getByRole('region', { name: 'Bulk actions on accounts' });
    await accountsBar.getByText('1 account selected').waitFor();
    expect(await accountsBar.getByLabel('Tag', { exact: true }).count()).toBe(0);
    await accountsBar.getByLabel('Owner', { exact: true }).selectOption({ label: 'Max Manager' });
    await accountsBar.getByRole('button', { name: 'Assign owner' }).click();
    await accountsBar.getByRole('status').getByText('1 account assigned.').waitFor();
    await table.getByRole('row').filter({ has: page.getByRole('link', { name: 'Initech' }) }).getByRole('cell', { name: 'Max Manager' }).waitFor();
    const { account } = await gqlOk<{ account: { owner: { id: string } | null } }>(suite.stack.gatewayUrl, 'query($id: ID!) { account(id: $id) { owner { id } } }', { id: createAccount.id }, { token: admin.token });
    expect(account.owner?.id).toBe(manager.id);

    await sections.getByRole('link', { name: 'Leads' }).click();
    await page.getByRole('checkbox', { name: 'Select Peter Gibbons' }).check();
    const leadsBar = page.getByRole('region', { name: 'Bulk actions on leads' });
    await leadsBar.getByText('1 lead selected').waitFor();
    await leadsBar.getByText(/owner of an existing lead cannot be changed in bulk/).waitFor();
    expect(await leadsBar.getByLabel('Owner', { exact: true }).count()).toBe(0);
    await leadsBar.getByRole('button', { name: 'Delete…' }).click();
    await leadsBar.getByRole('button', { name: 'Move to trash' }).click();
    await leadsBar.getByRole('status').getByText('1 lead moved to the trash.').waitFor();
    await table.getByRole('link', { name: 'Peter Gibbons' }).waitFor({ state: 'detached' });
    await leadsBar.getByRole('button', { name: 'Undo' }).click();
    await leadsBar.getByRole('status').getByText('1 lead restored.').waitFor();
    await table.getByRole('link', { name: 'Peter Gibbons' }).waitFor();
    const { lead } = await gqlOk<{ lead: { deletedAt: string | null } }>(suite.stack.gatewayUrl, 'query($id: ID!) { lead(id: $id) { deletedAt } }', { id: createLead.id }, { token: admin.token });
    expect(lead.deletedAt).toBeNull();
    expect(person.problems).toEqual([]);
  }, 180_000);
});
