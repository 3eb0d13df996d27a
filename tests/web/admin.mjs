// Administration in a real browser: the admin opens it from the
// navigation, sends Skapa användare with a bad username (refused, what was
// typed kept, the error beside the field), then creates the user with a
// generated password shown once, and that user signs in with it; the
// admin creates an organisation and an arbetsgrupp for it. A chair
// of the beredningsgrupp then co-opts a member on Adjungera. axe-core on
// every page; screenshots at desktop and phone width (administration-*
// incl. administration-organisation,
// adjungera-*). Started by tests/integration/test_web_admin.c, which
// passes SVK_WEB_URL, SVK_WEB_CA, SVK_WEB_SHOTS, SVK_WEB_ADMIN_PASSWORD,
// SVK_WEB_CHAIR_PASSWORD (clara.ordf, chair of the beredningsgrupp) and
// SVK_WEB_UNTIL (the agreement's last day), and has made hanna.hem.
import { env, base, check, axe, shoot, signIn, launch, finish, newPage, dialogs } from './lib.mjs';

const browser = await launch();
try {
	const { ctx, page } = await newPage(browser);
	await signIn(page, 'admin', env('SVK_WEB_ADMIN_PASSWORD'));

	await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Administration' }).click();
	await page.waitForLoadState('load');
	check(new URL(page.url()).pathname === '/administration', `Administration at ${page.url()}`);
	check(await page.getByRole('heading', { name: 'Organisationer' }).isVisible(), 'the organisations are listed');
	await axe(page, 'Administration');
	await shoot(page, 'administration');

	// ---- a bad username: refused, the rest kept, the error beside it
	await page.locator('#f-username').fill('Vera Ny');
	await page.locator('#f-display_name').fill('Vera <b>Ny</b>');
	await page.locator('#f-organisation').selectOption('sigtuna');
	await page.getByRole('button', { name: 'Skapa användare' }).click();
	await page.waitForLoadState('load');
	check((await page.locator('#fel-username').textContent()).startsWith('Användarnamnet ska vara'), 'the username is named');
	check((await page.locator('#f-display_name').inputValue()) === 'Vera <b>Ny</b>', 'the name is kept');
	check((await page.locator('#f-organisation').inputValue()) === 'sigtuna', 'the organisation is kept');
	check((await page.locator('#f-username').getAttribute('aria-invalid')) === 'true', 'the field is marked invalid');
	await axe(page, 'Administration, a refused form');
	await shoot(page, 'administration-fel');

	// ---- created, with a password shown once
	await page.locator('#f-username').fill('vera.ny');
	await page.getByRole('button', { name: 'Skapa användare' }).click();
	await page.waitForLoadState('load');
	const notice = await page.locator('.notice').textContent();
	check(notice.includes('Användaren vera.ny är skapad.'), `the notice: ${notice}`);
	const password = (await page.locator('code.secret').textContent()).trim();
	check(password.length === 20, 'a generated password is shown');
	check((await page.locator('main script, main img').count()) === 0 && dialogs.count === 0, 'no markup from the data runs');
	await shoot(page, 'administration-skapad');

	// ---- an organisation, then an arbetsgrupp working for it
	await page.locator('#f-o_slug').fill('knivsta');
	await page.locator('#f-o_name').fill('Knivsta kommun');
	await page.locator('#f-o_kind').selectOption('municipality');
	await page.locator('input[name="o_party"]').check();
	await page.getByRole('button', { name: 'Skapa organisation' }).click();
	await page.waitForLoadState('load');
	check((await page.locator('.notice').textContent()).includes('Organisationen är skapad.'), 'the organisation is created');
	check((await page.locator('#h-org + table').textContent()).includes('Knivsta kommun'), 'the organisation is listed');
	await axe(page, 'Administration, an organisation created');
	await shoot(page, 'administration-organisation');
	await page.locator('#f-g_slug').fill('est-knivsta');
	await page.locator('#f-g_name').fill('EST Knivsta');
	await page.locator('#f-g_tier').selectOption('arbetsgrupp');
	await page.locator('#f-g_municipality').selectOption('knivsta');
	await page.getByRole('button', { name: 'Skapa grupp' }).click();
	await page.waitForLoadState('load');
	check((await page.locator('.notice').textContent()).includes('Gruppen är skapad.'), 'the group is created');
	check(await page.getByRole('heading', { name: 'EST Knivsta Arbetsgrupp' }).isVisible(), 'the group is listed');
	await axe(page, 'Administration, a group created');

	// The new user signs in with it.
	const { ctx: ctx2, page: fresh } = await newPage(browser);
	await signIn(fresh, 'vera.ny', password);
	check(new URL(fresh.url()).pathname === '/', `the new user is signed in (${fresh.url()})`);
	check((await fresh.locator('.who').textContent()) === 'vera.ny', 'signed in as vera.ny');
	check((await fresh.getByRole('link', { name: 'Administration' }).count()) === 0, 'no Administration for a non-admin');
	const refused = await fresh.goto(`${base}/administration`);
	check(refused.status() === 403, `a non-admin gets 403 (${refused.status()})`);
	await ctx2.close();

	// ---- a chair co-opts
	const { ctx: ctx3, page: chair } = await newPage(browser);
	await signIn(chair, 'clara.ordf', env('SVK_WEB_CHAIR_PASSWORD'));
	await chair.goto(`${base}/administration/adjungera`);
	check(await chair.getByRole('heading', { name: 'Adjungera medlemmar' }).isVisible(), 'Adjungera for a chair');
	const groups = await chair.locator('#f-m_group option').allTextContents();
	check(!groups.some((g) => g.includes('Styrgrupp')), `the styrgrupp is not offered: ${groups}`);
	await axe(chair, 'Adjungera');
	await shoot(chair, 'adjungera');
	await chair.locator('#f-m_group').selectOption('est-sigtuna');
	await chair.locator('#f-m_username').fill('hanna.hem');
	await chair.locator('#f-m_until').fill(env('SVK_WEB_UNTIL'));
	await chair.getByRole('button', { name: 'Adjungera', exact: true }).click();
	await chair.waitForLoadState('load');
	check((await chair.locator('.notice').textContent()).includes('Medlemmen är adjungerad.'), 'co-opted');
	check((await chair.locator('.members').textContent()).includes('Hanna') ||
	      (await chair.locator('.members').textContent()).includes('hanna'), 'the co-option is listed');
	await axe(chair, 'Adjungera, a co-option made');
	await shoot(chair, 'adjungera-klar');
	await ctx3.close();
} catch (err) {
	check(false, `the browser run: ${err.stack || err}`);
} finally {
	await browser.close();
}
finish();
