// Proposals written in a real browser (headless chromium, playwright-core,
// axe-core): the beredningsgrupp's form for a new priority with two
// resource lines, a refusal that keeps what was typed, the draft's edit
// and its submission; then a director of an affected organisation finds
// it under Att besluta. Started by tests/integration/test_web_proposals.c,
// which passes (besides lib.mjs's SVK_WEB_URL, SVK_WEB_CA, SVK_WEB_SHOTS):
//   SVK_WEB_USERS      {"username": "password"}: berit.bered (beredningsgrupp)
//                      and polisen-chef (the police's decision maker)
//   SVK_WEB_API_TOKEN  a token to check through the API what was stored
// Exits 0 when every check passed; prints each failure.
import { env, base, check, raw, axe, shoot, signIn, launch, finish, newPage, dialogs } from './lib.mjs';

const users = JSON.parse(env('SVK_WEB_USERS'));
const title = 'Trygghet i Märsta centrum';
const edited = 'Trygghet i Märsta centrum 2026';

async function proposal(id) {
	const r = await raw('GET', `/v1/proposals/${id}`, { Authorization: `Bearer ${env('SVK_WEB_API_TOKEN')}` });
	return JSON.parse(r.body);
}

const field = (page, name) => page.locator(`[name="${name}"]`);

async function fillLine(page, i, org, what, amount, unit) {
	await field(page, `resources.${i}.organisation`).selectOption(org);
	await field(page, `resources.${i}.description`).fill(what);
	await field(page, `resources.${i}.amount`).fill(amount);
	await field(page, `resources.${i}.unit`).fill(unit);
}

const browser = await launch();
async function session(user) {
	const { ctx, page } = await newPage(browser);
	await signIn(page, user, users[user]);
	check(new URL(page.url()).pathname === '/', `${user} is signed in`);
	return { ctx, page };
}

try {
	const { ctx, page: p } = await session('berit.bered');
	await p.goto(`${base}/forslag`);
	await p.getByRole('link', { name: 'Nytt förslag' }).click();
	await p.waitForLoadState('load');
	check(new URL(p.url()).pathname === '/forslag/nytt', `Nytt förslag leads to the kinds (${p.url()})`);
	const kinds = await p.locator('main ul.cards a').allTextContents();
	check(JSON.stringify(kinds) === JSON.stringify(['Prioritering', 'Åtgärdsplan', 'Uppföljning', 'Förlängning']), `the four kinds: ${JSON.stringify(kinds)}`);
	await axe(p, 'the kinds of proposal');
	await shoot(p, 'forslag-nytt-val');

	await p.getByRole('link', { name: 'Prioritering' }).click();
	await p.waitForLoadState('load');
	check((await p.locator('h1').textContent()) === 'Nytt förslag: Prioritering', 'the priority\'s form');
	check((await p.locator('fieldset.line').count()) === 4, 'four empty resource rows');
	await axe(p, 'the new proposal form');
	await shoot(p, 'forslag-nytt');

	// Refused: no title, an amount that is no number; what was typed stays.
	await p.getByLabel('Förslag', { exact: true }).fill('Polisen och Sigtuna kommun satsar på centrum.');
	await fillLine(p, 0, 'polisen', 'Kvällspatrull fredag och lördag', 'två', 'tjänster');
	const refused = p.waitForResponse((r) => r.url().endsWith('/forslag/nytt') && r.request().method() === 'POST');
	await p.getByRole('button', { name: 'Spara som utkast' }).click();
	check((await refused).status() === 422, `the refused form: ${(await refused).status()}`);
	await p.waitForLoadState('load');
	check((await p.locator('[id="fel-title"]').textContent()).startsWith('Ange en titel'), 'the title\'s error beside it');
	check((await p.locator('[id="fel-resources[0].amount"]').textContent()).startsWith('Ange omfattningen'), 'the amount\'s error beside it');
	check((await field(p, 'resources.0.amount').getAttribute('aria-invalid')) === 'true', 'the amount is marked invalid');
	check((await field(p, 'resources.0.description').inputValue()) === 'Kvällspatrull fredag och lördag', 'the line typed is kept');
	check((await p.getByLabel('Förslag', { exact: true }).inputValue()) === 'Polisen och Sigtuna kommun satsar på centrum.', 'the text typed is kept');
	await axe(p, 'a refused proposal form');
	await shoot(p, 'forslag-nytt-fel');

	await p.getByLabel('Titel').fill(title);
	await p.getByLabel('Fokusområde').selectOption({ index: 1 });
	await field(p, 'resources.0.amount').fill('2');
	await fillLine(p, 1, 'sigtuna', 'Belysning i gångtunneln', '250 000', 'kr');
	await p.getByRole('button', { name: 'Spara som utkast' }).click();
	await p.waitForLoadState('load');
	const id = new URL(p.url()).pathname.split('/')[2];
	check(/^[0-9a-f-]{36}$/.test(id), `after saving on the proposal's page (${p.url()})`);
	let doc = await proposal(id);
	check(doc.status === 'draft' && doc.title === title && doc.resources.length === 2, `stored as a draft with two lines: ${JSON.stringify(doc)}`);
	check(doc.resources[1].amount === 250000 && doc.resources[1].organisation === 'sigtuna', 'the second line as typed');
	const rows = await p.locator('main table tbody tr').count();
	check(rows === 2, `the page shows two resource lines (${rows})`);
	await axe(p, 'a draft with its buttons');
	await shoot(p, 'forslag-utkast');

	await p.getByRole('link', { name: 'Redigera' }).click();
	await p.waitForLoadState('load');
	check((await p.getByLabel('Titel').inputValue()) === title, 'the edit form holds the draft');
	check((await p.locator('fieldset.line').count()) === 6, 'its two lines and four empty rows');
	await axe(p, 'the edit form');
	await shoot(p, 'forslag-redigera');
	await p.getByLabel('Titel').fill(edited);
	await p.getByRole('button', { name: 'Spara ändringarna' }).click();
	await p.waitForLoadState('load');
	check((await p.locator('h1').textContent()) === edited, 'the edited title on the page');

	await p.getByRole('button', { name: 'Lämna in till styrgruppen' }).click();
	await p.waitForLoadState('load');
	check((await p.locator('main .status').first().textContent()) === 'Väntar på beslut', 'submitted');
	check((await p.getByRole('link', { name: 'Redigera' }).count()) === 0, 'no edit once submitted');
	doc = await proposal(id);
	check(doc.status === 'submitted' && JSON.stringify(doc.affected) === '["polisen","sigtuna"]', `the API's proposal is submitted: ${JSON.stringify(doc.affected)}`);
	await axe(p, 'a submitted proposal');
	await shoot(p, 'forslag-inlamnat');
	await ctx.close();

	const { ctx: chief, page: c } = await session('polisen-chef');
	await c.goto(`${base}/att-besluta`);
	const listed = await c.locator('main ul.cards a').allTextContents();
	check(listed.includes(edited), `the director sees it under Att besluta: ${JSON.stringify(listed)}`);
	await chief.close();
	check(dialogs.count === 0, 'no dialog was opened by data');
} catch (err) {
	check(false, err.stack || err);
} finally {
	await browser.close();
}
finish();
