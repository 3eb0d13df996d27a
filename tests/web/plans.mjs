// Åtgärdsplaner in a real browser: the list, Sigtuna's board and two
// interventions, each checked with axe-core and shot at desktop and phone
// width, and the board printed (the print stylesheet: no navigation, black
// on white, the RAG word kept). Started by
// tests/integration/test_web_plans.c, which passes SVK_WEB_URL,
// SVK_WEB_CA, SVK_WEB_SHOTS, SVK_WEB_USER, SVK_WEB_PASSWORD, SVK_WEB_PLAN,
// SVK_WEB_LATE (an overdue intervention, SVK_WEB_LATE_TITLE its title
// with markup) and SVK_WEB_RED (a red one with a logged update).
import { env, base, check, axe, shoot, shootPrint, signIn, launch, finish, newPage, dialogs } from './lib.mjs';

const plan = env('SVK_WEB_PLAN');
const browser = await launch();
try {
	const { ctx, page } = await newPage(browser);
	await signIn(page, env('SVK_WEB_USER'), env('SVK_WEB_PASSWORD'));

	// ---- the list, from the navigation
	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Åtgärdsplaner' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/atgardsplaner', `Åtgärdsplaner at ${page.url()}`);
	const rows = await page.locator('table.list tbody tr').count();
	check(rows >= 3, `one row per municipality's plan (${rows})`);
	check(!(await page.locator('main').textContent()).includes('Kommer snart'), 'no longer Kommer snart');
	await axe(page, 'Åtgärdsplaner');
	await shoot(page, 'atgardsplaner');

	// ---- Sigtuna's board
	await page.locator(`a[href="/atgardsplaner/${plan}"]`).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === `/atgardsplaner/${plan}`, `the board at ${page.url()}`);
	const lateTitle = env('SVK_WEB_LATE_TITLE');
	const lateRow = page.locator('tr.late');
	check((await lateRow.count()) === 1, 'one overdue row');
	check((await lateRow.locator('th a').textContent()) === lateTitle, 'the title with markup is shown as text');
	check((await lateRow.textContent()).includes('Försenad'), 'the overdue row says Försenad');
	check((await page.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'no markup from the data runs');
	const redRow = page.locator('tr', { has: page.locator(`a[href$="/insatser/${env('SVK_WEB_RED')}"]`) });
	check((await redRow.locator('.rag').textContent()) === 'Röd', 'the red one says Röd beside its colour');
	const dot = await redRow.locator('.rag .dot').evaluate((el) => getComputedStyle(el).backgroundColor);
	check(dot === 'rgb(196, 22, 28)', `the red dot is red (${dot})`);
	const headings = await page.locator('main h2').allTextContents();
	check(headings.length >= 4 && headings[0].startsWith('1. ') && headings[1].startsWith('2. '), `focus areas in order: ${headings}`);
	await axe(page, 'the board');
	await shoot(page, 'atgardsplan-tavla');

	// ---- printed: no navigation, black on white, the words kept
	await page.emulateMedia({ media: 'print' });
	check(!(await page.locator('header.top').isVisible()), 'printed: no navigation');
	const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
	const ink = await page.evaluate(() => getComputedStyle(document.querySelector('main')).color);
	check(bg === 'rgb(255, 255, 255)' && ink === 'rgb(0, 0, 0)', `printed: black on white (${ink} on ${bg})`);
	check(await redRow.locator('.rag').isVisible() && (await redRow.locator('.rag').textContent()) === 'Röd', 'printed: the RAG word is there');
	check(await page.locator('thead').first().isVisible(), 'printed: the column heads are there');
	await shootPrint(page, 'atgardsplan-utskrift');
	await page.emulateMedia({ media: 'screen' });

	// ---- an intervention with its log
	await redRow.locator('th a').click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === `/atgardsplaner/${plan}/insatser/${env('SVK_WEB_RED')}`, `the intervention at ${page.url()}`);
	check((await page.locator('h1').textContent()) === 'Lägesbild för skolorna', 'its title');
	const log = await page.locator('ol.log > li').allTextContents();
	check(log.length === 2 && log[0].includes('Rektorerna svarar inte <b>alls</b>'), `the log, newest first: ${log}`);
	check(/\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) \d{4}/.test(log[0]), 'the log is dated in Swedish');
	await axe(page, 'an intervention');
	await shoot(page, 'insats');

	// ---- the overdue one, with markup in its title
	await page.goto(`${base}/atgardsplaner/${plan}/insatser/${env('SVK_WEB_LATE')}`);
	check((await page.locator('h1').textContent()) === lateTitle, 'the title with markup is shown as text');
	check((await page.locator('main .overdue').first().textContent()) === 'Försenad', 'marked Försenad');
	check((await page.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'no markup from the data runs');
	await axe(page, 'an overdue intervention');
	await shoot(page, 'insats-forsenad');

	// ---- an unknown plan
	const missing = await page.goto(`${base}/atgardsplaner/00000000-0000-4000-8000-000000000000`);
	check(missing.status() === 404 && (await page.locator('h1').textContent()) === 'Åtgärdsplanen finns inte', `an unknown plan: ${missing.status()}`);
	await ctx.close();
} catch (err) {
	check(false, err.stack || err);
} finally {
	await browser.close();
}
finish();
