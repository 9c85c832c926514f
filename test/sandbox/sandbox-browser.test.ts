import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { type BrowserContext, type Page } from 'playwright-core';
import { SANDBOX_BACKENDS, SEEDED_DATASETS } from '../../src/sandbox/backends';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox';
import { haveChromium, launchChromium } from '../support/chromium';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const chromiumHere = haveChromium('the sandbox browser test');

(chromiumHere ? describe : describe.skip)('the sandbox page in a real browser', () => {
  let sandbox: Sandbox;
  let browser: BrowserContext;
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;

  beforeAll(async () => {
    // The browser walks the retraction only; every runbook's walk is covered through the API (sandbox-api, sandbox-runbooks).
    const backends = SANDBOX_BACKENDS.filter((b) => b.name === 'metapod');
    sandbox = await startSandbox({ port: 0, latencyMs: 300, env: {}, logger: pino({ level: 'silent' }), tourPauseMs: 300, backends });
    chrome = await launchChromium({ viewport: { width: 1400, height: 900 } });
    browser = chrome.browser;
  });
  afterAll(async () => {
    await chrome?.close();
    await sandbox?.close();
  });

  it('runs a retraction with two people and shows the result in the thread and the backend', async () => {
    const page = await browser.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(sandbox.url);
    const dataset = SEEDED_DATASETS[0];

    // Alice (on call) picks the example and sends it.
    await page.getByLabel('You are').selectOption('UALICE');
    await page.getByLabel('Examples').selectOption({ label: `Retract ${dataset.name}` });
    await page.getByLabel('Message').press('Enter');
    const plan = page.locator('#feed > .msg').first();
    await plan.getByRole('button', { name: 'Approve' }).waitFor();
    await expectText(page, `Retract committed dataset ${dataset.id}`);

    // She cannot approve her own request; only she sees why.
    await plan.getByRole('button', { name: 'Approve' }).click();
    await page.locator('.private', { hasText: 'four-eyes' }).waitFor();

    // Bruno approves; the thread shows the result and the simulated Metapod received one retraction.
    await page.getByLabel('You are').selectOption('UBRUNO');
    await page.locator('.private').waitFor({ state: 'detached' });
    await plan.getByRole('button', { name: 'Approve' }).click();
    await page.locator('.thread .msg', { hasText: /succeeded/ }).waitFor({ timeout: 10_000 });
    await expectText(page, 'Approved by @bruno; running');
    await expect(page.locator('#backends').textContent()).resolves.toContain(`POST /api/migrations/retract/committed-dataset/${dataset.id}`);
    await plan.locator('button').first().waitFor({ state: 'detached' });

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'sandbox-retraction.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });

  it('plays the guided tour, following the person acting', async () => {
    const page = await browser.newPage();
    await page.goto(sandbox.url);
    await page.getByRole('button', { name: 'Play the tour' }).click();
    await page.locator('#tour', { hasText: 'Tour: Done' }).waitFor({ timeout: 20_000 });
    // The last person who acted was bruno, and the page switched to him.
    await expect(page.getByLabel('You are').inputValue()).resolves.toBe('UBRUNO');
    // The tour's retraction is the newest plan, and it ended as succeeded with its buttons gone.
    const newest = page.locator('#feed > .msg').last();
    await newest.getByText('Succeeded').first().waitFor();
    await expect(newest.locator('button').count()).resolves.toBe(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-tour.png'), fullPage: true });
  });
});

async function expectText(page: Page, text: string): Promise<void> {
  await page.locator('#feed', { hasText: text }).waitFor();
}
