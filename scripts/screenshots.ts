// `npm run screenshots`: plays the sandbox's tour in Debian's chromium and saves the page at the end of each
// runbook's walk to docs/screenshots/<backend>.png, so the README shows the real page. Needs /usr/bin/chromium.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { startSandbox } from '../src/sandbox/sandbox';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = join(__dirname, '..', 'docs', 'screenshots');
// What each backend's walk shows, for the file name (backends without a walk get no screenshot).
const NAMES: Record<string, string> = {
  metapod: 'retract',
  cloudformation: 'rollback',
  dynamodb: 'datomic-alarm',
  airflow: 'dagao-and-aurora',
  sonar: 'build-failure',
};

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
  mkdirSync(OUT, { recursive: true });
  const sandbox = await startSandbox({ port: 0, latencyMs: 100, env: {}, logger: pino({ level: 'silent' }), tourPauseMs: 2500 });
  const profile = mkdtempSync(join(tmpdir(), 'runbook-screenshots-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(sandbox.url);
    await page.locator('#feed > .msg').first().waitFor();
    await page.screenshot({ path: join(OUT, 'sandbox.png') });
    // The last step of each backend's walk, in the order the tour plays them.
    let at = 0;
    const ends = [...sandbox.backends].flatMap(([name, b]) => {
      at += b.tour?.length ?? 0;
      return b.tour?.length ? [{ name, step: at }] : [];
    });
    await page.getByRole('button', { name: 'Play the tour' }).click();
    for (const end of ends) {
      await until(async () => {
        const tour = ((await (await fetch(`${sandbox.url}api/state`)).json()) as { tour: { step: number; running: boolean; error?: string } }).tour;
        if (tour.error) throw new Error(`the tour stopped: ${tour.error}`);
        return tour.step >= end.step || !tour.running;
      });
      await sandbox.bot.engine.idle();
      await page.waitForTimeout(900);
      const file = join(OUT, `${NAMES[end.name] ?? end.name}.png`);
      await page.screenshot({ path: file });
      process.stdout.write(`wrote ${file}\n`);
      // The capacity chart is posted early in the Datomic thread, scrolled away by the end of the walk: shown on its own.
      if (end.name === 'dynamodb') {
        const chart = page.locator('.thread figure').filter({ hasText: '-capacity.png' }).first();
        await chart.scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
        const shot = join(OUT, 'datomic-chart.png');
        await chart.screenshot({ path: shot });
        process.stdout.write(`wrote ${shot}\n`);
      }
    }
    await page.locator('#tour', { hasText: 'Tour: Done' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Open Home' }).click();
    await page.locator('#home .section, #home .header').first().waitFor();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(900);
    await page.screenshot({ path: join(OUT, 'home-1024px.png') });
  } finally {
    await browser.close();
    await sandbox.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function until(done: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  for (const stop = Date.now() + timeoutMs; !(await done());) {
    if (Date.now() > stop) throw new Error('the tour did not get there in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
