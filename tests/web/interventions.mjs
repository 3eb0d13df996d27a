// An intervention's forms in a real browser: a member of the
// beredningsgrupp adds an intervention to Sigtuna's plan from its board
// (first with a progress that is not a number, refused beside its field
// with what was typed kept), then opens its edit form; a member of the
// responsible organisation (Sigtuna's arbetsgrupp) logs an update on its
// page and sees it at the top of the progress log. Each page is checked
// with axe-core and shot at desktop and phone width. Started by
// tests/integration/test_web_interventions.c, which passes SVK_WEB_URL,
// SVK_WEB_CA, SVK_WEB_SHOTS, SVK_WEB_BERED and SVK_WEB_BERED_PASSWORD,
// SVK_WEB_EST and SVK_WEB_EST_PASSWORD, and SVK_WEB_PLAN.
import { env, base, check, axe, shoot, signIn, launch, finish, newPage, dialogs } from './lib.mjs';

const plan = env('SVK_WEB_PLAN');
const title = 'Grannsamverkan i Valsta';
const note = 'Första träffen hölls med <b>tolv</b> hushåll';
const browser = await launch();
try {
	// ---- the beredningsgrupp adds an intervention
	const { ctx, page } = await newPage(browser, { locale: 'sv-SE' });
	await signIn(page, env('SVK_WEB_BERED'), env('SVK_WEB_BERED_PASSWORD'));
	await page.goto(`${base}/atgardsplaner/${plan}`);
	await axe(page, 'the board with Lägg till insats');
	await shoot(page, 'atgardsplan-tavla-beredning');
	await page.getByRole('link', { name: 'Lägg till insats' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === `/atgardsplaner/${plan}/insatser/ny`, `the form at ${page.url()}`);
	await axe(page, 'Lägg till insats');
	await shoot(page, 'insats-ny');

	await page.getByLabel('Insatsens namn').fill(title);
	await page.getByLabel('Fokusområde').selectOption({ index: 1 });
	await page.getByLabel('Orsak (problem som insatsen ska åtgärda)').fill('Inbrott i radhusområdena');
	await page.getByLabel('Beskrivning av insatsen (åtgärd)').fill('Grannsamverkan startas med polisen och bostadsbolaget');
	await page.getByLabel('Operativt mål').fill('Tre områden med grannsamverkan');
	await page.getByLabel('Ansvarig organisation').selectOption('sigtuna');
	await page.getByLabel('Ansvarig roll (vem)').fill('Trygghetssamordnare');
	await page.getByLabel('Startdatum').fill('2026-01-15');
	await page.getByLabel('Slutdatum (när)').fill('2026-12-20');
	await page.getByLabel('Framsteg i procent').fill('tio');
	await page.getByRole('button', { name: 'Lägg till insatsen' }).click();
	await page.waitForLoadState('load');
	check((await page.locator('#fel-progress_percent').textContent()).startsWith('Ange framsteget'), 'the error beside its field');
	check((await page.getByLabel('Insatsens namn').inputValue()) === title, 'what was typed is kept');
	check((await page.getByLabel('Framsteg i procent').getAttribute('aria-invalid')) === 'true', 'the field is marked invalid');
	await axe(page, 'a refused form');
	await shoot(page, 'insats-ny-fel');
	await page.getByLabel('Framsteg i procent').fill('10');
	await page.getByRole('button', { name: 'Lägg till insatsen' }).click();
	await page.waitForLoadState('load');
	const path = new URL(page.url()).pathname;
	check(path.startsWith(`/atgardsplaner/${plan}/insatser/`) && !path.endsWith('/ny'), `to the intervention's page: ${path}`);
	check((await page.locator('h1').textContent()) === title, 'its title');
	check((await page.locator('main').textContent()).includes('Tre områden med grannsamverkan'), 'its operational goal');
	await page.getByRole('link', { name: 'Redigera insatsen' }).click();
	await page.waitForLoadState('load');
	check((await page.getByLabel('Insatsens namn').inputValue()) === title, 'the edit form is filled in');
	check((await page.getByLabel('Startdatum').inputValue()) === '2026-01-15', 'with its dates');
	await axe(page, 'Redigera insats');
	await shoot(page, 'insats-redigera');
	await ctx.close();

	// ---- a member of the responsible organisation logs an update
	const { ctx: ctx2, page: page2 } = await newPage(browser, { locale: 'sv-SE' });
	await signIn(page2, env('SVK_WEB_EST'), env('SVK_WEB_EST_PASSWORD'));
	await page2.goto(`${base}/atgardsplaner/${plan}`);
	check((await page2.getByRole('link', { name: 'Lägg till insats' }).count()) === 0, 'no Lägg till insats for the arbetsgrupp');
	await page2.getByRole('link', { name: title }).click();
	await page2.waitForLoadState('load');
	check((await page2.getByRole('link', { name: 'Redigera insatsen' }).count()) === 0, 'no Redigera for the arbetsgrupp');
	check((await page2.locator('ol.log > li').count()) === 0, 'no update logged yet');
	await page2.getByLabel('Vad har hänt?').fill(note);
	await page2.getByLabel('Ny status').selectOption('ongoing');
	await page2.getByLabel('Nytt läge').selectOption('yellow');
	await page2.getByLabel('Framsteg i procent (tomt: oförändrat)').fill('30');
	await page2.getByLabel('Timmar sedan förra uppdateringen').fill('2,5');
	await page2.getByLabel('Insatsen har kommunicerats').check();
	await page2.getByLabel('Kanal (till exempel intranätet)').fill('Nyhetsbrevet');
	await axe(page2, 'an intervention with its log form');
	await shoot(page2, 'insats-logga');
	await page2.getByRole('button', { name: 'Logga uppdateringen' }).click();
	await page2.waitForLoadState('load');
	check(new URL(page2.url()).pathname === path, `back on the intervention's page: ${page2.url()}`);
	const log = await page2.locator('ol.log > li').allTextContents();
	check(log.length === 1 && log[0].includes(note) && log[0].includes('Kommunicerad via Nyhetsbrevet'), `the update in the log: ${log}`);
	check((await page2.locator('main .meta .status').first().textContent()) === 'Pågående', 'the new status shown');
	check((await page2.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'no markup from the data runs');
	await shoot(page2, 'insats-loggad');
	await ctx2.close();
} catch (err) {
	check(false, err.stack || err);
} finally {
	await browser.close();
}
finish();
