// The web interface in a real browser: Debian's chromium, headless, driven
// by playwright-core, with axe-core for accessibility. Started by
// tests/integration/test_web.c, which starts the daemon and passes:
//   SVK_WEB_URL, SVK_WEB_CA, SVK_WEB_ADMIN_PASSWORD, SVK_WEB_MEMBER,
//   SVK_WEB_MEMBER_PASSWORD, SVK_WEB_SHOTS (a directory for screenshots),
//   SVK_WEB_TITLE (the agreement's title, with markup in it).
// Exits 0 when every check passed; prints each failure.
import { env, base, check, raw, axe, shoot, signIn, launch, finish, newPage, dialogs } from './lib.mjs';

const title = env('SVK_WEB_TITLE');

async function navTexts(page) {
	return page.locator('nav[aria-label="Huvudmeny"] a').allTextContents();
}

const browser = await launch();
const allNav = ['Översikt', 'Att besluta', 'Förslag', 'Åtgärdsplaner', 'Lägesbild', 'Möten', 'Uppföljning'];
try {
	// ---- the sign-in page, its headers and accessibility
	const { ctx: admin, page } = await newPage(browser);
	const first = await page.goto(`${base}/logga-in`);
	const h = first.headers();
	check(h['content-security-policy'] === "default-src 'self'; frame-ancestors 'none'; form-action 'self'", `CSP: ${h['content-security-policy']}`);
	check(h['strict-transport-security'] === 'max-age=31536000', 'HSTS');
	check(h['x-content-type-options'] === 'nosniff', 'nosniff');
	check(h['referrer-policy'] === 'no-referrer', 'Referrer-Policy');
	check((await page.getAttribute('html', 'lang')) === 'sv', 'lang="sv"');
	const css = await page.getAttribute('link[rel="stylesheet"]', 'href');
	const cssRes = await raw('GET', css);
	check(cssRes.status === 200 && cssRes.headers['cache-control'] === 'public, max-age=31536000, immutable',
	      `stylesheet ${css}: ${cssRes.status} ${cssRes.headers['cache-control']}`);
	await axe(page, 'the sign-in page');
	await shoot(page, 'logga-in');

	// ---- an administrator signs in: Administration, and none of the
	// agreement's work, which an admin who is no group's member may not read
	await signIn(page, 'admin', env('SVK_WEB_ADMIN_PASSWORD'));
	check(new URL(page.url()).pathname === '/', `after sign-in at / (${page.url()}: ${await page.locator('main').textContent()})`);
	const adminNav = await navTexts(page);
	check(JSON.stringify(adminNav) === JSON.stringify(['Översikt', 'Att besluta', 'Administration']), `admin navigation: ${adminNav}`);
	check(await page.getByRole('button', { name: 'Logga ut' }).isVisible(), 'Logga ut is shown');
	const cookies = await admin.cookies();
	const c = cookies.find((x) => x.name === 'svk_session');
	check(c && c.httpOnly && c.secure && c.sameSite === 'Strict' && c.path === '/', `session cookie attributes: ${JSON.stringify(c && { ...c, value: '…' })}`);
	await axe(page, 'Översikt (admin)');
	await shoot(page, 'oversikt-admin');
	await page.goto(`${base}/administration`);
	check(await page.getByRole('heading', { name: 'Skapa användare' }).isVisible(), 'Administration: its forms for an admin');
	await shoot(page, 'kommer-snart');
	await page.goto(`${base}/`);

	// ---- forms refuse requests without the form token or from elsewhere
	const token = c ? c.value : '';
	const csrf = await page.locator('form.logout input[name="csrf"]').getAttribute('value');
	let r = await page.request.post(`${base}/logga-ut`, { form: { x: '1' }, maxRedirects: 0 });
	check(r.status() === 403, `sign-out without form token: ${r.status()}`);
	r = await page.request.post(`${base}/logga-ut`, { form: { csrf }, headers: { Origin: 'https://evil.example' }, maxRedirects: 0 });
	check(r.status() === 403, `sign-out from another origin: ${r.status()}`);
	r = await page.request.post(`${base}/logga-ut`, { form: { csrf }, headers: { 'Sec-Fetch-Site': 'cross-site' }, maxRedirects: 0 });
	check(r.status() === 403, `sign-out with Sec-Fetch-Site cross-site: ${r.status()}`);
	r = await page.request.post(`${base}/logga-in`, { form: { username: 'admin', password: 'x' }, maxRedirects: 0 });
	check(r.status() === 403, `sign-in without form token: ${r.status()}`);
	let g = await raw('GET', '/', { Cookie: `svk_session=${token}` });
	check(g.status === 200, `the session still works after the refused forms: ${g.status}`);

	// ---- a cookie never authorises the API
	g = await raw('GET', '/v1/me', { Cookie: `svk_session=${token}` });
	check(g.status === 401, `GET /v1/me with only the cookie: ${g.status}`);
	g = await raw('GET', '/v1/me', { Authorization: `Bearer ${token}` });
	check(g.status === 200, `the same token as Bearer: ${g.status}`);

	// ---- signing out ends the session on the server
	await page.getByRole('button', { name: 'Logga ut' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/logga-in', `after sign-out at /logga-in (${page.url()})`);
	g = await raw('GET', '/', { Cookie: `svk_session=${token}` });
	check(g.status === 303 && g.headers.location === '/logga-in', `the old cookie after sign-out: ${g.status} ${g.headers.location}`);
	g = await raw('GET', '/v1/me', { Authorization: `Bearer ${token}` });
	check(g.status === 401, `the old token on the API after sign-out: ${g.status}`);
	await admin.close();

	// ---- a plain member sees no Administration
	const { ctx: member, page: mp } = await newPage(browser);
	await signIn(mp, env('SVK_WEB_MEMBER'), env('SVK_WEB_MEMBER_PASSWORD'));
	const memberNav = await navTexts(mp);
	check(JSON.stringify(memberNav) === JSON.stringify(allNav), `member navigation: ${memberNav}`);
	const lead = await mp.locator('.lead').textContent();
	check(lead === title, `the agreement's title is shown as text: ${lead}`);
	check((await mp.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'no markup from the data runs');
	check(/\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) \d{4}/.test(await mp.locator('main').textContent()), 'dates in Swedish');
	await axe(mp, 'Översikt (member)');
	await shoot(mp, 'oversikt-medlem');
	const adm = await mp.goto(`${base}/administration`);
	check(adm.status() === 403, `member on /administration: ${adm.status()}`);
	await member.close();

	// ---- wrong passwords: a Swedish error, then the API's throttling
	const { ctx: wrong, page: wp } = await newPage(browser);
	const max = Number(process.env.SVK_WEB_MAX_FAILURES || 3);
	for (let i = 0; i < max; i++) {
		await signIn(wp, 'ingen.alls', 'fel-losenord');
		check((await wp.locator('#login-error').textContent()) === 'Fel användarnamn eller lösenord.', `wrong password ${i + 1}: Swedish error`);
	}
	await axe(wp, 'the sign-in page with an error');
	await shoot(wp, 'logga-in-fel');
	await signIn(wp, 'ingen.alls', 'fel-losenord');
	check((await wp.locator('#login-error').textContent()).startsWith('För många misslyckade inloggningar'), 'throttled on the page');
	g = await raw('POST', '/v1/sessions', { 'Content-Type': 'application/json' }, JSON.stringify({ username: 'ingen.alls', password: 'x' }));
	check(g.status === 429, `the API throttles the same username: ${g.status}`);
	await wrong.close();
} catch (err) {
	check(false, err.stack || err);
} finally {
	await browser.close();
}
finish();
