// Möten in a real browser: an EST member opens Möten from the navigation,
// sends the form without a date (refused, what was typed kept, the error
// beside the date), then records the meeting, and sees it in the list.
// axe-core on every state; screenshots at desktop and phone width
// (moten-*). Started by tests/integration/test_web_meetings.c, which
// passes SVK_WEB_URL, SVK_WEB_CA, SVK_WEB_SHOTS, SVK_WEB_USER and
// SVK_WEB_PASSWORD (a member of EST Sigtuna) and has recorded a styrgrupp
// meeting whose minutes carry markup.
import { env, check, axe, shoot, signIn, launch, finish, newPage, dialogs } from './lib.mjs';

const browser = await launch();
try {
	const { ctx, page } = await newPage(browser);
	await signIn(page, env('SVK_WEB_USER'), env('SVK_WEB_PASSWORD'));

	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Möten' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/moten', `Möten at ${page.url()}`);
	const first = await page.locator('li.meeting').first().textContent();
	check(first.includes('20 november 2025') && first.includes('v. 47'), `dated in Swedish with its week: ${first}`);
	check(first.includes('Anteckning <script>alert(1)</script>'), 'the markup in the minutes is shown as text');
	check((await page.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'no markup from the data runs');
	const options = await page.locator('#f-group option').allTextContents();
	check(options.length === 1 && options[0] === 'EST Sigtuna', `the form offers the member's own group: ${options}`);
	await axe(page, 'Möten');
	await shoot(page, 'moten');

	// ---- without a date: refused, the rest kept, the error beside the date
	check(!(await page.getByLabel('Anteckningar').isVisible()), 'the form is folded away until asked for');
	// The folded form opens from the keyboard, with its focus shown.
	await page.locator('summary', { hasText: 'Registrera ett möte' }).focus();
	const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	check(ring !== 'none', `the focused summary shows its focus (${ring})`);
	await page.keyboard.press('Enter');
	check(await page.getByLabel('Anteckningar').isVisible(), 'Enter opens the form');
	await page.getByLabel('Beslut').fill('Fler vandringar vid stationen');
	await page.getByLabel('Anteckningar').fill('Vi gick genom <b>Märsta</b>.');
	await page.getByLabel('Polismyndigheten', { exact: false }).first().check();
	await page.evaluate(() => document.querySelector('#f-held_on').removeAttribute('required'));
	await page.getByRole('button', { name: 'Registrera mötet' }).click();
	await page.waitForLoadState('load');
	check((await page.locator('#fel-held_on').textContent()).startsWith('Ange vilken dag mötet hölls'), 'the date is named');
	check((await page.getByLabel('Anteckningar').inputValue()) === 'Vi gick genom <b>Märsta</b>.', 'the minutes are kept');
	check((await page.getByLabel('Beslut').inputValue()) === 'Fler vandringar vid stationen', 'the decision is kept');
	check(await page.getByLabel('Polismyndigheten', { exact: false }).first().isChecked(), 'the attendee is kept');
	check(await page.getByLabel('Anteckningar').isVisible(), 'the refused form is open');
	await axe(page, 'Möten, a refused form');
	await shoot(page, 'moten-fel');

	// ---- recorded
	await page.getByLabel('Datum').fill('2025-12-01');
	await page.getByRole('button', { name: 'Registrera mötet' }).click();
	await page.waitForLoadState('load');
	const url = new URL(page.url());
	check(url.pathname === '/moten' && url.searchParams.get('registrerat'), `back to the list: ${page.url()}`);
	const notice = await page.locator('.notice').textContent();
	check(notice.includes('Mötet är registrerat') && notice.includes('1 december 2025') && notice.includes('v. 49') &&
	      notice.includes('Fler vandringar vid stationen'), `the meeting is shown: ${notice}`);
	await axe(page, 'Möten, a meeting recorded');
	await shoot(page, 'moten-registrerat');
	await ctx.close();
} catch (err) {
	check(false, err.stack || err);
} finally {
	await browser.close();
}
finish();
