import pino from 'pino';
import { type BrowserContext, type Page } from 'playwright-core';
import { gocdSimulation, rollbackSimulation } from '../../src/sandbox/simulated/rollback';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox';
import { haveChromium, launchChromium } from '../support/chromium';

const chromiumHere = haveChromium('the sandbox actions browser test');

// Issue 20: a select menu and a button inside a thread work from the page, at the narrowest supported width and a common one.
(chromiumHere ? describe : describe.skip)('the sandbox page: menus, thread buttons, messages and layout in a real browser', () => {
  let sandbox: Sandbox;
  let browser: BrowserContext;
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;

  beforeAll(async () => {
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
    it(`at ${width} px: picks another build from the rollback's menu, then cancels the new plan with the button in its thread`, async () => {
      const page = await browser.newPage();
      // A persistent context's pages take their size here (newPage takes no options).
      await page.setViewportSize({ width, height: 800 });
      try {
        page.on('dialog', (d) => void d.accept());
        await page.goto(sandbox.url);
        await page.getByLabel('You are').selectOption('UALICE');
        const before = await page.locator('#feed > .msg').count();
        await page.getByLabel('Message').fill('/runbook rollback metapod');
        await page.getByLabel('Message').press('Enter');
        const plan = page.locator('#feed > .msg').nth(before);
        const menu = plan.locator('select.act');
        await menu.waitFor({ timeout: 20_000 });
        await plan.getByRole('button', { name: 'Approve' }).waitFor();
        // The first option is the placeholder; pick the first real build the menu offers.
        const option = await menu.locator('option').nth(1).getAttribute('value');
        const label = (await menu.locator('option').nth(1).textContent())!;
        expect(option).toMatch(/\|[0-9a-f]{7,40}$/);
        await menu.selectOption(option);
        // The old plan is cancelled and a new rollback to that build is proposed in its thread, with its own buttons.
        const thread = page
          .locator('#feed > .thread')
          .filter({ has: page.locator('button.act') })
          .last();
        const proposed = thread.locator('.msg', { has: page.getByRole('button', { name: 'Cancel' }) }).last();
        await proposed.waitFor({ timeout: 20_000 });
        // Pinned by its ts: once cancelled it has no Cancel button to be found by.
        const threadPlan = page.locator(`#feed > .thread .msg[data-ts="${await proposed.getAttribute('data-ts')}"]`);
        await expect(threadPlan.textContent()).resolves.toContain(label.split(' ')[0]);
        await plan
          .getByText(/Cancelled/)
          .first()
          .waitFor({ timeout: 10_000 });
        // The button inside the thread sends a block_actions request: the new plan ends cancelled, its buttons gone.
        await threadPlan.getByRole('button', { name: 'Cancel' }).click();
        await threadPlan
          .getByText(/Cancelled/)
          .first()
          .waitFor({ timeout: 10_000 });
        await expect(threadPlan.locator('button.act').count()).resolves.toBe(0);
        const sent = sandbox.slack.calls.length;
        expect(sent).toBeGreaterThan(0);
        expect(sandbox.backends.get('cloudformation')!.state()).toMatchObject({ mutatingCalls: [] });

        // Nothing is cut off: no sideways scrolling, and the composer and side panel fit in the window.
        await expect(page.locator('html').evaluate((el: { scrollWidth: number }) => el.scrollWidth)).resolves.toBeLessThanOrEqual(width);
        for (const selector of ['#composer button', 'aside', 'nav']) {
          const box = (await page.locator(selector).boundingBox())!;
          expect(box.x + box.width).toBeLessThanOrEqual(width + 1);
          expect(box.width).toBeGreaterThan(100 * (selector === '#composer button' ? 0.3 : 1));
        }
        await expectNoShortcodes(page);
      } finally {
        await page.close();
      }
    }, 60_000);
  }

  it('posts plain text as a channel message (as the person typing), and keeps /runbook as the command', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(sandbox.url);
      await page.getByLabel('You are').selectOption('UCARLA');
      const commands = sandbox.slack.calls.length;
      await page.getByLabel('Message').fill('Is anyone looking at the metapod deploy?');
      await page.getByLabel('Message').press('Enter');
      const posted = page.locator('#feed > .msg', { hasText: 'Is anyone looking at the metapod deploy?' });
      await posted.waitFor();
      await expect(posted.locator('.who').textContent()).resolves.toContain('carla');
      await expect(page.locator('#error').textContent()).resolves.toBe('');
      // It went into the channel through the emulator, not to the bot as a slash command (which would answer privately).
      expect(sandbox.slack.topLevel('CGUILDDATAENG').at(-1)!.text).toBe('Is anyone looking at the metapod deploy?');
      expect(
        sandbox.slack.calls.slice(commands).some((c) => c.method === 'chat.postMessage' && c.args.text === 'Is anyone looking at the metapod deploy?'),
      ).toBe(true);
      await expect(page.locator('.private', { hasText: 'Unknown subcommand' }).count()).resolves.toBe(0);
    } finally {
      await page.close();
    }
  });

  it('renders Slack mrkdwn and emoji shortcodes: bold, code, links, mentions, quotes, and no :shortcode: text', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(sandbox.url);
      // A post with every construct, as another app would send it (Slack escapes &, < and > in text).
      const text =
        ':bulb: *Heads up* _now_ `code` <https://example.com/runbook|the runbook> <@UBRUNO> <#CGUILDDATAENG>\n> quoted line\n```block & more```\n:white_check_mark: done :large_green_circle:';
      await fetch(`${sandbox.slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'CGUILDDATAENG', text }),
      });
      const msg = page.locator('#feed > .msg', { hasText: 'Heads up' });
      await msg.waitFor();
      await expect(msg.locator('b').first().textContent()).resolves.toBe('Heads up');
      await expect(msg.locator('i').first().textContent()).resolves.toBe('now');
      await expect(msg.locator('code').first().textContent()).resolves.toBe('code');
      await expect(msg.locator('a').getAttribute('href')).resolves.toBe('https://example.com/runbook');
      await expect(msg.locator('a').textContent()).resolves.toBe('the runbook');
      await expect(msg.locator('.mention').allTextContents()).resolves.toEqual(['@bruno', '#guild-data-eng']);
      await expect(msg.locator('blockquote').textContent()).resolves.toBe('quoted line');
      await expect(msg.locator('pre').textContent()).resolves.toBe('block & more');
      // Each shortcode became an emoji (or, without an emoji font, a symbol or its name in words), never its :code:.
      await expect(msg.locator('[title=":bulb:"]').count()).resolves.toBe(1);
      await expect(msg.locator('[title=":large_green_circle:"]').count()).resolves.toBe(1);
      await expectNoShortcodes(page);
    } finally {
      await page.close();
    }
  });
});

async function expectNoShortcodes(page: Page): Promise<void> {
  const text = await page.locator('#feed').innerText();
  expect(text).not.toMatch(/:[a-z][a-z0-9_+-]*:/);
}
