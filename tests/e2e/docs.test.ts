import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { routes } from '../../lib/routes';
import { routeTags } from '../../lib/routes/tags';
import { apiUrl } from '../support/env';

/** Debian's Chromium, which .ci/run installs when it is missing; CHROMIUM_PATH names another. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('GET /docs, the API reference page, in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH).`);
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(() => browser?.close());

  it('lists every operation, loads nothing from another origin, and sends a request to the API from the page', async () => {
    const page = await browser.newPage();
    const origin = new URL(apiUrl()).origin;
    const foreign: string[] = [];
    const blocked: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(`${origin}/`) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    const answer = await page.goto(`${apiUrl()}/docs`);
    expect(answer?.headers()['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self';/);

    // Scalar opens the first group and leaves the others closed.
    for (const tag of Object.keys(routeTags).slice(1)) {
      await page.getByRole('button', { name: `Open Group - ${tag}` }).click({ timeout: 30_000 });
    }
    const listed = await page.evaluate(() => document.body.innerText);
    const operations = routes.filter((route) => route.method !== '*');
    expect(operations.filter((route) => !listed.includes(route.summary)).map((route) => route.summary)).toEqual([]);

    await page.getByText('This document', { exact: true }).first().click();
    await page.getByRole('button', { name: /Test Request\s*\(get \/openapi\.json\)/ }).first().click({ timeout: 30_000 });
    const sent = page.waitForResponse((response) => response.url() === `${origin}/openapi.json` && response.request().method() === 'GET', { timeout: 30_000 });
    await page.getByRole('button', { name: /^Send/ }).first().click({ timeout: 30_000 });
    const response = await sent;
    expect(response.status()).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toBe('3.1.0');

    expect(foreign).toEqual([]);
    expect(blocked).toEqual([]);
  }, 120_000);

  it('serves its two scripts, and no other asset name', async () => {
    for (const asset of ['scalar.js', 'init.js']) {
      const response = await fetch(`${apiUrl()}/docs/${asset}`);
      expect([asset, response.status, response.headers.get('content-type')]).toEqual([asset, 200, 'text/javascript; charset=utf-8']);
    }
    expect((await fetch(`${apiUrl()}/docs/other.js`)).status).toBe(400);
  });
});
