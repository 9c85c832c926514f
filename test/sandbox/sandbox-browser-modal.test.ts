import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { type BrowserContext } from 'playwright-core';
import { gocdSimulation, rollbackSimulation } from '../../src/sandbox/simulated/rollback';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox';
import { haveChromium, launchChromium } from '../support/chromium';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const chromiumHere = haveChromium('the sandbox modal browser test');

// Issues 19 and 20: `/runbook` alone opens the form as a modal on the page, and a person fills it in as in Slack.
(chromiumHere ? describe : describe.skip)('the sandbox page: the runbook form as a modal in a real browser', () => {
  let sandbox: Sandbox;
  let browser: BrowserContext;
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;

  beforeAll(async () => {
    // The rollback's service menu is fed by the `services` lookup over the simulated CloudFormation stacks.
    sandbox = await startSandbox({
      port: 0,
      latencyMs: 20,
      env: {},
      logger: pino({ level: 'silent' }),
      tourPauseMs: 0,
      backends: [gocdSimulation, rollbackSimulation],
    });
    chrome = await launchChromium();
    browser = chrome.browser;
  }, 30_000);
  afterAll(async () => {
    await chrome?.close();
    await sandbox?.close();
  });

  for (const width of [1024, 1440]) {
    it(`at ${width} px: /runbook opens the form, an invalid submission shows inline errors, a fixed one proposes one rollback`, async () => {
      const page = await browser.newPage();
      await page.setViewportSize({ width, height: 800 });
      try {
        page.on('dialog', (d) => void d.accept());
        await page.goto(sandbox.url);
        await page.getByLabel('You are').selectOption('UALICE');
        const operationsBefore = (await sandbox.bot.store.listRecent(100)).length;
        const plansBefore = await page.locator('#feed > .msg').count();

        await page.getByLabel('Message').fill('/runbook');
        await page.getByLabel('Message').press('Enter');
        const modal = page.getByRole('dialog', { name: 'Run a runbook' });
        await modal.waitFor({ timeout: 10_000 });
        await expect(modal.getByRole('button', { name: 'Cancel' }).count()).resolves.toBe(1);
        // The picker has no submit button until a runbook is picked (the bot's first view has none).
        await expect(modal.getByRole('button', { name: 'Propose' }).count()).resolves.toBe(0);

        // Picking dispatches block_actions from the view; the bot answers with views.update showing the fields.
        await modal.getByLabel('Runbook').selectOption('rollback');
        const service = modal.getByLabel('Service', { exact: true });
        await service.locator('option[value="metapod"]').waitFor({ state: 'attached', timeout: 10_000 });
        await expect(service.locator('option').allTextContents()).resolves.toEqual(['Pick service', 'correnteza', 'metapod']);

        // No service and a version that is not a SHA: the bot answers response_action errors, shown under each input.
        await modal.getByLabel('Version').fill('not-a-sha');
        await modal.getByRole('button', { name: 'Propose' }).click();
        const serviceError = modal.locator('.minput[data-block-id="arg:service"] .merror');
        await serviceError.waitFor();
        await expect(serviceError.textContent()).resolves.toBe('Service is required.');
        await expect(modal.locator('.minput[data-block-id="arg:to"] .merror').textContent()).resolves.toMatch(/is not a commit SHA/);
        // What was typed is still there, and nothing was proposed.
        await expect(modal.getByLabel('Version').inputValue()).resolves.toBe('not-a-sha');
        expect((await sandbox.bot.store.listRecent(100)).length).toBe(operationsBefore);

        if (width === 1024) {
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, 'sandbox-modal-errors.png') });
        }

        // Fixed: the modal closes (empty 200) and the plan is posted in the channel.
        await service.selectOption('metapod');
        await modal.getByLabel('Version').fill('');
        // The boolean flag --in-place is a checkbox: ticked at one width, left alone at the other.
        const inPlace = modal.getByRole('checkbox');
        await expect(inPlace.count()).resolves.toBe(1);
        if (width === 1440) await inPlace.check();
        await modal.getByRole('button', { name: 'Propose' }).click();
        await modal.waitFor({ state: 'detached', timeout: 10_000 });
        const plan = page.locator('#feed > .msg').nth(plansBefore);
        await plan.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 20_000 });
        await expect(plan.textContent()).resolves.toContain('metapod');

        // Exactly one operation came from the form: a rollback of metapod asked by alice, in the channel.
        const created = (await sandbox.bot.store.listRecent(100)).slice(0, -operationsBefore || undefined);
        expect(created.map((o) => ({ runbook: o.runbook, requester: o.requester, input: o.input, channel: o.location.channel }))).toEqual([
          {
            runbook: 'rollback',
            requester: 'UALICE',
            input: expect.objectContaining({ service: 'metapod', shards: [], inPlace: width === 1440 }),
            channel: 'CGUILDDATAENG',
          },
        ]);
        expect([...sandbox.slack.modals.values()].every((v) => v.closed)).toBe(true);
        await expect(page.locator('#error').textContent()).resolves.toBe('');

        // Cancelled, so the next width may propose the same rollback (an identical pending one would be refused).
        await plan.getByRole('button', { name: 'Cancel' }).click();
        await plan
          .getByText(/Cancelled/)
          .first()
          .waitFor({ timeout: 10_000 });
      } finally {
        await page.close();
      }
    }, 60_000);
  }

  it('the App Home button opens the same form, which asks for the channel; Cancel closes it and nothing is posted', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1440, height: 800 });
    try {
      await page.goto(sandbox.url);
      await page.getByLabel('You are').selectOption('UBRUNO');
      await page.getByRole('button', { name: 'Open Home' }).click();
      await page.locator('#home').getByRole('button', { name: 'Run a runbook…' }).click();
      const modal = page.getByRole('dialog', { name: 'Run a runbook' });
      await modal.waitFor({ timeout: 10_000 });
      await modal.getByLabel('Runbook').selectOption('rollback');
      // Opened outside a channel: the form asks where the plan goes (a conversations_select, the sandbox's channel offered).
      const channel = modal.getByLabel('Post the plan in');
      await channel.waitFor({ timeout: 10_000 });
      await expect(channel.locator('option').allTextContents()).resolves.toContain('#guild-data-eng');
      const posted = sandbox.slack.messages.length;
      await modal.getByRole('button', { name: 'Cancel' }).click();
      await modal.waitFor({ state: 'detached' });
      expect([...sandbox.slack.modals.values()].every((v) => v.closed)).toBe(true);
      expect(sandbox.slack.messages.length).toBe(posted);
    } finally {
      await page.close();
    }
  }, 60_000);
});
