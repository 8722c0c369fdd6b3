// Runs Lighthouse (mobile defaults) on pages of a running ConsentDashboard, signed in through the real sign-in form in
// the same browser, so the page's Blazor circuit carries the sign-in too. Called by tools/lighthouse.sh.
// Usage: node lighthouse.mjs <base-url> <lighthouse-module-folder>
import { createRequire } from 'node:module';
import path from 'node:path';

const [base, modules] = process.argv.slice(2);
const require = createRequire(path.join(modules, 'node_modules', 'x.js'));
const { default: lighthouse } = await import(require.resolve('lighthouse'));
const chromeLauncher = require('chrome-launcher');
const puppeteer = require('puppeteer-core');

const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });

async function signIn(email) {
  const page = await browser.newPage();
  await page.goto(`${base}/Account/Logout`).catch(() => {});
  await browser.deleteCookie?.(...(await browser.cookies?.() ?? []));
  await page.goto(`${base}/Account/Login`);
  await page.type('[data-testid=login-email]', email);
  await page.type('[data-testid=login-password]', 'Larkspur-Demo-2026');
  await Promise.all([page.waitForNavigation(), page.click('[data-testid=login-submit]')]);
  return page;
}

async function measure(name, url) {
  const result = await lighthouse(url, {
    port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'],
  });
  const report = result.lhr;
  const score = id => String(Math.round(report.categories[id].score * 100)).padStart(3);
  const items = report.audits['network-requests'].details.items;
  const kb = Math.round(items.reduce((sum, i) => sum + (i.transferSize ?? 0), 0) / 1024);
  console.log(`${name.padEnd(9)} performance ${score('performance')}  accessibility ${score('accessibility')}  ` +
    `best practices ${score('best-practices')}  ${items.length} requests, ${kb} KB  (final URL ${report.finalDisplayedUrl})`);
}

await measure('login', `${base}/Account/Login`);
const resident = await signIn('maya@larkspurbay.example');
await resident.goto(`${base}/inbox`);
await resident.waitForSelector('[data-testid=inbox-table] a[href^="/inbox/"]');
const notice = await resident.$eval('[data-testid=inbox-table] a[href^="/inbox/"]', a => a.getAttribute('href'));
await measure('inbox', `${base}/inbox`);
await measure('request', `${base}${notice}`);
await signIn('auditor@larkspurbay.example');
await measure('audit', `${base}/audit`);

await browser.disconnect();
await chrome.kill();
