// What the browser tests share: the environment test_web*.c passes, the
// checks and their count, plain HTTPS requests that trust the test CA,
// axe-core, screenshots at desktop and phone width, a new page in a
// context of its own, and signing in.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';

export const env = (k) => {
	const v = process.env[k];
	if (!v) throw new Error(`${k} is not set`);
	return v;
};
export const base = env('SVK_WEB_URL');
const ca = readFileSync(env('SVK_WEB_CA'));
// The screenshots' directory; "-" for none (unless SVK_SCREENSHOTS=1 is
// set: see web_util.c).
const shots = env('SVK_WEB_SHOTS');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
if (shots !== '-') mkdirSync(shots, { recursive: true });

let failures = 0;
export function check(ok, what) {
	if (!ok) {
		failures++;
		console.log(`FAIL: ${what}`);
	} else {
		console.log(`ok: ${what}`);
	}
}

// A plain HTTPS request that trusts the test CA, outside the browser.
export function raw(method, path, headers = {}, body = null) {
	return new Promise((resolve, reject) => {
		const req = httpsRequest(new URL(path, base), { method, headers, ca }, (res) => {
			let data = '';
			res.on('data', (c) => (data += c));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
		});
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

export async function axe(page, what) {
	// Through the DevTools protocol: the page's CSP (rightly) blocks an
	// injected script tag.
	await page.evaluate(axeSource);
	// resultTypes: the nodes of violations in full, of passes only the
	// first (a third less work; the rules that passed are still listed).
	const res = await page.evaluate(async () =>
		// eslint-disable-next-line no-undef
		await axe.run(document, {
			runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
			resultTypes: ['violations'],
		}));
	const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	for (const v of res.violations)
		console.log(`axe ${what}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.length})`);
	check(bad.length === 0, `axe-core: no serious or critical finding on ${what} (${res.violations.length} findings in all, ${res.passes.length} rules passed)`);
}

export async function shoot(page, name) {
	if (shots === '-') return;
	for (const [w, h, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
		await page.setViewportSize({ width: w, height: h });
		// A bound, not a wait: under a loaded machine a full-page shot is slow.
		await page.screenshot({ path: `${shots}/${name}-${tag}.png`, fullPage: true, timeout: 30000 });
	}
	await page.setViewportSize({ width: 1280, height: 900 });
}

// The page as printed (the media emulated by the caller).
export async function shootPrint(page, name) {
	if (shots === '-') return;
	await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true, timeout: 30000 });
}

// Dialogs opened by any page that newPage made. No markup from the data
// may run, so a test expects none.
export const dialogs = { count: 0 };

// A page in a new browser context (its own cookies: a new sign-in), at
// desktop width unless options say otherwise, with a default timeout of
// 15 s; each dialog of the context's pages is counted and dismissed.
export async function newPage(browser, options = {}) {
	const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, ...options });
	ctx.on('page', (p) => p.on('dialog', (d) => { dialogs.count++; d.dismiss(); }));
	const page = await ctx.newPage();
	page.setDefaultTimeout(15000);
	return { ctx, page };
}

export async function signIn(page, user, password) {
	await page.goto(`${base}/logga-in`);
	await page.getByLabel('Användarnamn').fill(user);
	await page.getByLabel('Lösenord').fill(password);
	await page.getByRole('button', { name: 'Logga in' }).click();
	await page.waitForLoadState('load');
}

// Chromium's headless shell: the browser's engine without its window
// system, at half the CPU of `chromium --headless`.
export function launch() {
	return chromium.launch({
		executablePath: process.env.SVK_WEB_CHROMIUM || '/usr/bin/chromium-headless-shell',
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
	});
}

// Prints the summary and ends the process: 0 when every check passed.
export function finish() {
	console.log(failures ? `${failures} checks failed` : 'all checks passed');
	process.exit(failures ? 1 : 0);
}
