// Each role in a real browser: signs in as each user the test passes and
// checks the navigation they get and, on the pages named, the actions
// offered and not offered (a link, a button, a form's heading, by its
// text). Started by tests/integration/test_web_roles.c, which makes the
// users (an admin, a decision maker, a member and the chair of the
// beredningsgrupp, an EST member) and passes, besides lib.mjs's
// SVK_WEB_URL, SVK_WEB_CA and SVK_WEB_SHOTS:
//   SVK_WEB_ROLES  [{"who": ..., "user": ..., "password": ..., "nav": [...],
//                    "pages": [{"path": ..., "has": [...], "hasNot": [...]}]}]
// Exits 0 when every check passed; prints each failure.
import { env, base, check, shoot, signIn, launch, finish, newPage } from './lib.mjs';

const roles = JSON.parse(env('SVK_WEB_ROLES'));
const browser = await launch();
try {
	for (const r of roles) {
		const { ctx, page } = await newPage(browser);
		await signIn(page, r.user, r.password);
		check(new URL(page.url()).pathname === '/', `${r.who} (${r.user}) is signed in`);
		const nav = await page.locator('nav[aria-label="Huvudmeny"] a').allTextContents();
		check(JSON.stringify(nav) === JSON.stringify(r.nav), `${r.who}'s navigation: ${JSON.stringify(nav)}`);
		check(await page.getByRole('button', { name: 'Logga ut' }).isVisible(), `${r.who} has Logga ut`);
		for (const p of r.pages) {
			const res = await page.goto(`${base}${p.path}`);
			check(res.status() === 200, `${r.who} opens ${p.path}: ${res.status()}`);
			// What a user can reach: a link or button, or a form's heading.
			const actions = await page.locator('main a, main button, main summary, main h1, main h2')
				.evaluateAll((els) => els.map((el) => el.textContent.trim()));
			for (const t of p.has || [])
				check(actions.some((a) => a.includes(t)), `${r.who} is offered "${t}" on ${p.path}`);
			for (const t of p.hasNot || [])
				check(!actions.some((a) => a.includes(t)), `${r.who} is not offered "${t}" on ${p.path}`);
		}
		await page.goto(`${base}/`);
		await shoot(page, `roll-${r.who}`);
		await ctx.close();
	}
} catch (err) {
	check(false, `the script ran to its end: ${err.stack || err}`);
} finally {
	await browser.close();
}
finish();
