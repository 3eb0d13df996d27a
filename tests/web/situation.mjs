// Lägesbild in a real browser: an EST member on a phone-sized window
// (390x844) reports an incident and sees it counted in the lägesbild of
// its week; the page with data (a place with markup shown as text), the
// report form and the CSV upload, each also in its error state, checked
// with axe-core and shot at desktop and phone width. Started by
// tests/integration/test_web_situation.c, which passes SVK_WEB_URL,
// SVK_WEB_CA, SVK_WEB_SHOTS, SVK_WEB_USER, SVK_WEB_PASSWORD (an EST member
// in Sigtuna), SVK_WEB_WEEK (a week with incidents) and SVK_WEB_XSS (the
// name of one of its places, with markup).
import { env, base, check, axe, shoot, signIn, launch, finish, newPage, dialogs } from './lib.mjs';

const phone = { width: 390, height: 844 };
const week = env('SVK_WEB_WEEK');
const browser = await launch();

// "7 händelser" → 7
const total = async (page) => parseInt((await page.locator('p.lead').textContent()).trim(), 10);

try {
	const { ctx, page } = await newPage(browser, { viewport: phone, locale: 'sv-SE' });
	await signIn(page, env('SVK_WEB_USER'), env('SVK_WEB_PASSWORD'));

	// ---- the lägesbild of this week, from the navigation
	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Lägesbild' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/lagesbild', `Lägesbild at ${page.url()}`);
	check(await page.getByLabel('Kommun', { exact: true }).inputValue() === 'sigtuna', 'her municipality is chosen');
	const thisWeek = await page.getByLabel('Vecka', { exact: true }).inputValue();
	check(/^\d{4}-W\d{2}$/.test(thisWeek), `this week is chosen (${thisWeek})`);
	const before = await total(page);
	const klotter = page.locator('table').first().locator('tr', { has: page.locator('th', { hasText: /^Klotter$/ }) }).locator('td').first();
	const klotterBefore = parseInt(await klotter.textContent(), 10);
	check(await page.locator('svg[role="img"][aria-label]').count() === 2, 'two charts, each with a text alternative');
	const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
	const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
		.filter((el) => el.getBoundingClientRect().right > 390.5)
		.map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`).slice(0, 8));
	check(pageWidth <= 390, `nothing wider than the phone (${pageWidth} px) ${wide}`);
	await axe(page, 'Lägesbild (this week)');
	await shoot(page, 'lagesbild');
	await page.setViewportSize(phone);

	// ---- a week with incidents, chosen with the form (no script needed)
	await page.getByLabel('Vecka', { exact: true }).selectOption(week);
	await page.getByRole('button', { name: 'Visa' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).searchParams.get('vecka') === week, `the week chosen (${page.url()})`);
	check(await total(page) === 7, 'seven incidents that week');
	const places = await page.locator('table.hot tbody th').allTextContents();
	check(places.includes(env('SVK_WEB_XSS')), 'the place with markup is shown as text');
	check((await page.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'no markup from the data runs');
	await axe(page, 'Lägesbild (a week with incidents)');
	await shoot(page, 'lagesbild-vecka');
	await page.setViewportSize(phone);

	// ---- reporting, on the phone
	await page.goto(`${base}/lagesbild`);
	await page.getByRole('link', { name: 'Rapportera en händelse' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/lagesbild/rapportera', `the form at ${page.url()}`);
	await axe(page, 'the report form');
	await shoot(page, 'rapportera');
	await page.setViewportSize(phone);
	// Sent without a place: refused, what was typed kept, the error by the field.
	await page.getByLabel('Kategori', { exact: true }).selectOption({ label: 'Klotter' });
	await page.getByLabel('Beskrivning (frivillig)', { exact: true }).fill('Tag på busskuren');
	await page.getByRole('button', { name: 'Rapportera' }).click();
	await page.waitForLoadState('load');
	check((await page.locator('#plats-error').textContent()) === 'Fyll i platsen.', 'the error next to Plats');
	check(await page.getByLabel('Beskrivning (frivillig)', { exact: true }).inputValue() === 'Tag på busskuren', 'the description is kept');
	check(await page.getByLabel('Kategori', { exact: true }).inputValue() === 'klotter', 'the category is kept');
	const described = await page.getByLabel('Plats', { exact: true }).getAttribute('aria-describedby');
	check(described && described.includes('plats-error'), 'the field is described by its error');
	await axe(page, 'the report form with an error');
	await shoot(page, 'rapportera-fel');
	await page.setViewportSize(phone);
	await page.getByLabel('Plats', { exact: true }).fill('Stationsgatan');
	await page.getByRole('button', { name: 'Rapportera' }).click();
	await page.waitForLoadState('load');
	const after = new URL(page.url());
	check(after.pathname === '/lagesbild' && after.searchParams.get('vecka') === thisWeek && after.searchParams.get('kommun') === 'sigtuna',
		`back to the lägesbild of its week (${page.url()})`);
	check(await total(page) === before + 1, `counted in the week (${before} → ${await total(page)})`);
	check(parseInt(await klotter.textContent(), 10) === klotterBefore + 1, 'counted under Klotter');
	const hot = await page.locator('table.hot tbody th').allTextContents();
	check(hot.includes('Stationsgatan'), 'the place among the places');

	// ---- the upload, its errors and a good file
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.goto(`${base}/lagesbild/importera`);
	await axe(page, 'the upload');
	await shoot(page, 'importera');
	const file = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
	await page.getByLabel('CSV-fil', { exact: true }).setInputFiles(file('fel.csv',
		'tidpunkt;plats;kategori\n2026-03-02 10:00;Valsta;Klotterx\n2026-03-02 11:00;Valsta\n'));
	await page.getByRole('button', { name: 'Importera' }).click();
	await page.waitForLoadState('load');
	const lines = await page.locator('ul.lines li').allTextContents();
	check(lines.length === 2 && lines[0].startsWith('Rad 2, kategori') && lines[1].startsWith('Rad 3, raden'), `an error per line: ${lines}`);
	await axe(page, 'the upload with errors');
	await shoot(page, 'importera-fel');
	await page.getByLabel('CSV-fil', { exact: true }).setInputFiles(file('bra.csv',
		'tidpunkt;plats;kategori\n2026-03-02 10:00;Valsta;Klotter\n2026-03-02 11:00;Valsta;Brand\n'));
	await page.getByRole('button', { name: 'Importera' }).click();
	await page.waitForLoadState('load');
	check((await page.locator('#import-done').textContent()).includes('2 händelser sparades, 0 fanns redan'), 'the file is imported');
	await axe(page, 'the upload done');
	await shoot(page, 'importera-klar');
	await ctx.close();
} catch (err) {
	check(false, err.stack || err);
} finally {
	await browser.close();
}
finish();
