// Decisions in a real browser (headless chromium, playwright-core,
// axe-core): Att besluta, a proposal's page, its decision form and Förslag.
// Started by tests/integration/test_web_decide.c, which makes the users and
// submits two proposals through the API as the beredningsgrupp does, and
// passes (besides lib.mjs's SVK_WEB_URL, SVK_WEB_CA, SVK_WEB_SHOTS):
//   SVK_WEB_USERS        {"username": "password", ...}: the four directors
//                        (polisen-chef, sollentuna-direktor,
//                        upplands-vasby-direktor, sigtuna-direktor) and
//                        stig.styr, a styrgrupp member who does not decide
//   SVK_WEB_EXTENSION    the agreement's extension by four years (submitted)
//   SVK_WEB_PRIORITY     a prioritisation affecting the police (submitted)
//   SVK_WEB_PRIORITY_TITLE  its title, with markup in it
//   SVK_WEB_API_TOKEN    a token to check through the API what was stored
// Exits 0 when every check passed; prints each failure.
import { env, base, check, raw, axe, shoot, signIn, launch, finish, newPage, dialogs } from './lib.mjs';

const users = JSON.parse(env('SVK_WEB_USERS'));
const ext = env('SVK_WEB_EXTENSION');
const prio = env('SVK_WEB_PRIORITY');
const prioTitle = env('SVK_WEB_PRIORITY_TITLE');
const extTitle = 'Förlängning av avtalet 2027–2030';
const xssComment = '"><img src=x onerror=alert(3)><script>alert(4)</script> Polisen står bakom';

async function proposal(id) {
	const r = await raw('GET', `/v1/proposals/${id}`, { Authorization: `Bearer ${env('SVK_WEB_API_TOKEN')}` });
	return JSON.parse(r.body);
}

const browser = await launch();
async function session(user) {
	const { ctx, page } = await newPage(browser);
	await signIn(page, user, users[user]);
	check(new URL(page.url()).pathname === '/', `${user} is signed in`);
	return { ctx, page };
}

// The rows of the decision matrix: [organisation, round, verdict, comment].
async function matrix(page) {
	return page.locator('table.matrix tbody tr').evaluateAll((rows) =>
		rows.map((tr) => [...tr.children].slice(0, 4).map((c) => c.textContent)));
}

// Presses Tab until the focused element satisfies want (a function run in
// the page on document.activeElement); false when it never does.
async function tabTo(page, want, what) {
	for (let i = 0; i < 60; i++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate(want)) return true;
	}
	check(false, `Tab reaches ${what}`);
	return false;
}

// Whether the focused element shows its focus (an outline that is drawn).
async function focusVisible(page) {
	return page.evaluate(() => {
		const s = getComputedStyle(document.activeElement);
		return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
	});
}

try {
	// ---- the police chief: Att besluta, the page, a decision, a 409
	const { ctx: police, page: p1 } = await session('polisen-chef');
	await p1.goto(`${base}/att-besluta`);
	const listed = await p1.locator('main ul.cards a').allTextContents();
	check(listed.length === 2 && listed.includes(extTitle) && listed.includes(prioTitle), `Att besluta lists both: ${JSON.stringify(listed)}`);
	check((await p1.locator('main script, main img').count()) === 0, 'the markup of a title is shown as text');
	await axe(p1, 'Att besluta');
	await shoot(p1, 'att-besluta');

	const p1b = await police.newPage(); // a second tab, opened before the decision
	p1b.setDefaultTimeout(15000);
	await p1b.goto(`${base}/forslag/${ext}`);

	await p1.getByRole('link', { name: extTitle }).click();
	await p1.waitForLoadState('load');
	check(new URL(p1.url()).pathname === `/forslag/${ext}`, `the link leads to the proposal (${p1.url()})`);
	check((await p1.locator('h1').textContent()) === extTitle, 'the proposal\'s title is the heading');
	check((await p1.locator('main').textContent()).includes('4 år, från 31 december 2026 till 31 december 2030'), 'the extension in Swedish dates');
	let m = await matrix(p1);
	check(m.length === 4 && m.every((r) => r[2] === 'Inväntar beslut'), `four organisations wait: ${JSON.stringify(m)}`);
	check(await p1.getByLabel('Kommentar').isVisible(), 'the form has a Kommentar');
	for (const b of ['Godkänn', 'Avslå', 'Återremittera'])
		check(await p1.getByRole('button', { name: b, exact: true }).isVisible(), `the form has ${b}`);
	await axe(p1, 'a proposal with the decision form');
	await shoot(p1, 'forslag-beslut');

	await p1.getByLabel('Kommentar').fill(xssComment);
	await p1.getByRole('button', { name: 'Godkänn', exact: true }).click();
	await p1.waitForLoadState('load');
	check(new URL(p1.url()).pathname === `/forslag/${ext}`, `after the decision on the proposal's page (${p1.url()})`);
	m = await matrix(p1);
	const pol = m.find((r) => r[0].startsWith('Polismyndigheten'));
	check(pol && pol[2] === 'Godkänt' && pol[3] === xssComment, `the police's decision with its comment as text: ${JSON.stringify(pol)}`);
	check((await p1.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'the comment\'s markup does not run');
	check((await p1.getByRole('button', { name: 'Godkänn', exact: true }).count()) === 0, 'no form once decided');
	check((await p1.locator('.notice').textContent()).includes('Er organisation har beslutat i omgång 1: Godkänt'), 'the decision is confirmed');
	await axe(p1, 'a decided proposal');
	await shoot(p1, 'forslag-beslutat');

	// The second tab still shows the form: its decision is refused (409)
	// next to the form, what was typed kept.
	await p1b.getByLabel('Kommentar').fill('Andra tankar');
	const refused = p1b.waitForResponse((r) => r.url().endsWith('/beslut'));
	await p1b.getByRole('button', { name: 'Avslå', exact: true }).click();
	check((await refused).status() === 409, `a second decision of the police: ${(await refused).status()}`);
	await p1b.waitForLoadState('load');
	check((await p1b.locator('#beslut-fel').textContent()).startsWith('Din organisation har redan beslutat'), 'the refusal in Swedish');
	check((await p1b.getByLabel('Kommentar').inputValue()) === 'Andra tankar', 'the comment typed is kept');
	await axe(p1b, 'a refused decision');
	await shoot(p1b, 'forslag-nekat');
	check((await proposal(ext)).decisions.length === 1, 'one decision stored');

	// The priority's page: its title's markup as text.
	await p1.goto(`${base}/forslag/${prio}`);
	check((await p1.locator('h1').textContent()) === prioTitle, 'the priority\'s title as text');
	check((await p1.locator('main').textContent()).includes('Utredare <b>våld i nära relation</b>'), 'a resource line as text');
	check((await p1.locator('main script, main img, main b').count()) === 0 && dialogs.count === 0, 'no markup from the data runs');
	await axe(p1, 'a prioritisation with resource lines');
	await shoot(p1, 'forslag-prioritering');
	await police.close();

	// ---- Sollentuna's director decides with the keyboard alone
	const { ctx: kctx, page: kp } = await newPage(browser);
	await kp.goto(`${base}/logga-in`);
	await tabTo(kp, () => document.activeElement.id === 'username', 'Användarnamn');
	await kp.keyboard.type('sollentuna-direktor');
	await kp.keyboard.press('Tab');
	await kp.keyboard.type(users['sollentuna-direktor']);
	await kp.keyboard.press('Enter');
	await kp.waitForURL(`${base}/`);
	await tabTo(kp, () => document.activeElement.textContent === 'Att besluta', 'Att besluta in the menu');
	check(await focusVisible(kp), 'the focused menu entry shows its focus');
	await kp.keyboard.press('Enter');
	await kp.waitForURL(`${base}/att-besluta`);
	await tabTo(kp, () => document.activeElement.textContent === 'Förlängning av avtalet 2027–2030', 'the proposal\'s link');
	check(await focusVisible(kp), 'the focused link shows its focus');
	await kp.keyboard.press('Enter');
	await kp.waitForURL(`${base}/forslag/${ext}`);
	await tabTo(kp, () => document.activeElement.id === 'kommentar', 'Kommentar');
	check(await focusVisible(kp), 'the focused Kommentar shows its focus');
	await kp.keyboard.type('Sollentuna står bakom, med tangentbordet.');
	await tabTo(kp, () => document.activeElement.textContent === 'Godkänn', 'Godkänn');
	check(await focusVisible(kp), 'the focused Godkänn shows its focus');
	await kp.keyboard.press('Enter');
	await kp.waitForURL(`${base}/forslag/${ext}#beslut`);
	m = await matrix(kp);
	const sol = m.find((r) => r[0] === 'Sollentuna kommun');
	check(sol && sol[2] === 'Godkänt' && sol[3] === 'Sollentuna står bakom, med tangentbordet.', `approved with the keyboard: ${JSON.stringify(sol)}`);
	await kctx.close();

	// ---- a styrgrupp member who does not decide: no form; a forged one refused
	const { ctx: sctx, page: sp } = await session('stig.styr');
	await sp.goto(`${base}/att-besluta`);
	check((await sp.locator('main').textContent()).includes('Du är inte beslutsfattare'), 'Att besluta says why nothing waits');
	await axe(sp, 'Att besluta (not a decision maker)');
	await sp.goto(`${base}/forslag/${ext}`);
	check((await sp.locator('textarea, form.decide, button[name="verdict"]').count()) === 0, 'no decision form for who does not decide');
	let csrf = await sp.locator('form.logout input[name="csrf"]').getAttribute('value');
	let r = await sp.request.post(`${base}/forslag/${ext}/beslut`, { form: { csrf, verdict: 'approve', comment: 'Förfalskat' }, maxRedirects: 0 });
	check(r.status() === 403, `a forged decision: ${r.status()}`);
	check((await r.text()).includes('Bara styrgruppens beslutsfattare kan besluta om förslag.'), 'the refusal in Swedish');
	check((await proposal(ext)).decisions.length === 2, 'nothing stored by the forged decision');
	await sctx.close();

	// ---- Upplands Väsby's director: forms without the token or from elsewhere refused
	const { ctx: vctx, page: vp } = await session('upplands-vasby-direktor');
	await vp.goto(`${base}/forslag/${ext}`);
	csrf = await vp.locator('form.decide input[name="csrf"]').getAttribute('value');
	r = await vp.request.post(`${base}/forslag/${ext}/beslut`, { form: { verdict: 'reject', comment: 'x' }, maxRedirects: 0 });
	check(r.status() === 403, `without the form token: ${r.status()}`);
	r = await vp.request.post(`${base}/forslag/${ext}/beslut`, { form: { csrf, verdict: 'reject' }, headers: { Origin: 'https://evil.example' }, maxRedirects: 0 });
	check(r.status() === 403, `from another origin: ${r.status()}`);
	r = await vp.request.post(`${base}/forslag/${ext}/beslut`, { form: { csrf, verdict: 'reject' }, headers: { 'Sec-Fetch-Site': 'cross-site' }, maxRedirects: 0 });
	check(r.status() === 403, `Sec-Fetch-Site cross-site: ${r.status()}`);
	let doc = await proposal(ext);
	check(doc.decisions.length === 2 && doc.status === 'submitted', `nothing changed by the refused forms: ${doc.decisions.length} ${doc.status}`);
	await vp.getByRole('button', { name: 'Godkänn', exact: true }).click();
	await vp.waitForLoadState('load');
	check((await proposal(ext)).decisions.length === 3, 'Upplands Väsby approved');
	await vctx.close();

	// ---- Sigtuna's director: the last approval extends the agreement
	const { ctx: gctx, page: gp } = await session('sigtuna-direktor');
	check((await gp.locator('main').textContent()).includes(extTitle), 'Översikt lists the proposal waiting');
	await gp.goto(`${base}/forslag/${ext}`);
	await gp.getByRole('button', { name: 'Godkänn', exact: true }).click();
	await gp.waitForLoadState('load');
	doc = await proposal(ext);
	check(doc.status === 'approved' && doc.decisions.length === 4, `approved by all four: ${doc.status}`);
	check((await gp.locator('.meta .status').textContent()) === 'Godkänt', 'the page says Godkänt');
	await gp.goto(`${base}/`);
	const period = await gp.locator('dl.facts div:first-child dd').textContent();
	check(period === '1 januari 2023 – 31 december 2030', `Översikt shows the new end: ${period}`);
	check((await gp.locator('main').textContent()).includes('Förlängt 4 år till 31 december 2030'), 'Översikt lists the extension');

	// ---- Förslag: the filter and the pages
	await gp.goto(`${base}/forslag`);
	let titles = await gp.locator('table.list tbody a').allTextContents();
	check(titles.length === 2 && titles.includes(extTitle) && titles.includes(prioTitle), `Förslag lists both: ${JSON.stringify(titles)}`);
	check((await gp.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'titles as text in the list');
	await axe(gp, 'Förslag');
	await shoot(gp, 'forslag-lista');
	await gp.getByLabel('Visa förslag med status').selectOption('approved');
	await gp.getByRole('button', { name: 'Visa' }).click();
	await gp.waitForLoadState('load');
	check(new URL(gp.url()).search === '?status=approved', `the filter is in the address: ${gp.url()}`);
	titles = await gp.locator('table.list tbody a').allTextContents();
	check(JSON.stringify(titles) === JSON.stringify([extTitle]), `approved only: ${JSON.stringify(titles)}`);
	await axe(gp, 'Förslag filtered');
	await gp.goto(`${base}/forslag?limit=1`);
	titles = await gp.locator('table.list tbody a').allTextContents();
	check(JSON.stringify(titles) === JSON.stringify([extTitle]), `first page: ${JSON.stringify(titles)}`);
	await gp.getByRole('link', { name: 'Nästa sida' }).click();
	await gp.waitForLoadState('load');
	titles = await gp.locator('table.list tbody a').allTextContents();
	check(JSON.stringify(titles) === JSON.stringify([prioTitle]), `second page: ${JSON.stringify(titles)}`);
	check(await gp.getByRole('link', { name: 'Första sidan' }).isVisible(), 'a way back to the first page');
	await axe(gp, 'Förslag, second page');
	await shoot(gp, 'forslag-lista-sida-2');
	await gp.getByRole('link', { name: prioTitle }).click();
	await gp.waitForLoadState('load');
	check(new URL(gp.url()).pathname === `/forslag/${prio}`, 'the list links to the proposal');
	check((await gp.locator('#beslut').textContent()).includes('Er organisation berörs inte av förslaget'), 'a director of an organisation not affected sees no form');
	await gctx.close();
	check(dialogs.count === 0, 'no dialog was opened by data');
} catch (err) {
	check(false, err.stack || err);
} finally {
	await browser.close();
}
finish();
