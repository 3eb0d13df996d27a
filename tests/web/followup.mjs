// Uppföljning in a real browser: a member of the beredningsgrupp opens
// Uppföljning from the navigation, chooses 2025, opens the form, edits the
// second section and saves, and sees the text on the year's page; the page
// printed leaves out the navigation and the buttons and keeps the tables.
// axe-core on every state; screenshots at desktop and phone width
// (uppfoljning-*). Started by tests/integration/test_web_followup.c, which
// passes SVK_WEB_URL, SVK_WEB_CA, SVK_WEB_SHOTS, SVK_WEB_USER and
// SVK_WEB_PASSWORD and has written the first section (with markup in it)
// and recorded a meeting of EST Sigtuna in 2025.
import { env, base, check, axe, shoot, shootPrint, signIn, launch, finish, newPage, dialogs } from './lib.mjs';

const browser = await launch();
try {
	const { ctx, page } = await newPage(browser);
	await signIn(page, env('SVK_WEB_USER'), env('SVK_WEB_PASSWORD'));

	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Uppföljning' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/uppfoljning', `Uppföljning at ${page.url()}`);
	await page.getByRole('navigation', { name: 'Välj år' }).getByRole('link', { name: '2025' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/uppfoljning/2025', `2025 at ${page.url()}`);
	check((await page.locator('h1').textContent()) === 'Uppföljning 2025', 'its heading');
	const first = await page.locator('.report .text').first().textContent();
	check(first === 'Samverkan <script>alert(1)</script> "><img src=x onerror=alert(2)>', `the markup is shown as text: ${first}`);
	check((await page.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'no markup from the data runs');
	const row = await page.locator('.report tr', { hasText: 'EST Sigtuna' }).first().textContent();
	check(row.includes('1'), `the meeting is counted: ${row}`);
	await axe(page, 'Uppföljning');
	await shoot(page, 'uppfoljning');

	// ---- the form
	await page.getByRole('link', { name: 'Redigera texterna' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/uppfoljning/2025/redigera', `the form at ${page.url()}`);
	const second = page.getByLabel('2. Hur insatsernas genomförande har fungerat');
	await second.fill('Insatserna genomfördes enligt plan.\nTvå blev försenade.');
	await axe(page, 'Uppföljning, the form');
	await shoot(page, 'uppfoljning-redigera');
	await page.getByRole('button', { name: 'Spara texterna' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/uppfoljning/2025', `back to the year: ${page.url()}`);
	const texts = await page.locator('.report .text').allTextContents();
	check(texts.length === 2 && texts[1] === 'Insatserna genomfördes enligt plan.\nTvå blev försenade.', `the text is saved: ${texts}`);
	await axe(page, 'Uppföljning, saved');

	// ---- printed: the report without navigation or buttons, tables kept
	await page.emulateMedia({ media: 'print' });
	check(!(await page.locator('header.top').isVisible()), 'printed: no navigation');
	check(!(await page.getByRole('link', { name: 'Redigera texterna' }).isVisible()), 'printed: no buttons');
	check(await page.locator('.report table').first().isVisible(), 'printed: the tables are there');
	await shootPrint(page, 'uppfoljning-utskrift');
	await page.emulateMedia({ media: 'screen' });

	// ---- the CSV link downloads the statistics
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: 'Ladda ner statistiken som CSV' }).click(),
	]);
	check(download.suggestedFilename() === 'uppfoljning-2025.csv', `the CSV: ${download.suggestedFilename()}`);

	// ---- a year outside the agreement
	const missing = await page.goto(`${base}/uppfoljning/2099`);
	check(missing.status() === 404, `a year outside the agreement: ${missing.status()}`);
	await ctx.close();
} catch (err) {
	check(false, err.stack || err);
} finally {
	await browser.close();
}
finish();
