// SPDX-License-Identifier: Apache-2.0
// e2e.mjs: the web UI in a real browser (Debian's chromium, driven by playwright-core), as the
// on-call engineer and a customer use it, against a daemon that tests/integration/t_browser.sh
// started on loopback:
//   1. an engineer signs in with a token at /login and lands on the dashboard; no request of
//      any page leaves 127.0.0.1;
//   2. a passive check is OK on the dashboard; a CRITICAL result posted through the API turns
//      its deployment's cell CRITICAL within 15 s without a reload (the page's polling);
//   3. the incident opened for it is opened from /incidents and acknowledged with the keyboard
//      (Tab to the button, Enter); the API then says acknowledged, by the token's name;
//   4. a customer signs in and sees its own status page, another customer's is a 404, and a
//      public status page is shown without signing in;
//   5. a screenshot of each step is saved as a PNG.
// Plain node, no test framework: one line per assertion, then "N passed, M failed"; exits 1 on
// any failure. Everything comes from the environment (see need() below).
import { chromium } from 'playwright-core';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

function need(name) {
    const v = process.env[name];
    if (!v) {
        console.error(`e2e.mjs: set ${name} (t_browser.sh does)`);
        process.exit(2);
    }
    return v;
}

const BASE = need('SW_BASE'); // http://127.0.0.1:PORT
const ENG_TOKEN = need('SW_ENGINEER_TOKEN');
const ENG_NAME = need('SW_ENGINEER_NAME');
const CUST_TOKEN = need('SW_CUSTOMER_TOKEN');
const CUSTOMER = need('SW_CUSTOMER'); // the customer token's own customer
const CUSTOMER_TITLE = need('SW_CUSTOMER_TITLE'); // its status page's heading
const OTHER = need('SW_OTHER_CUSTOMER'); // another customer, status page not public
const PUBLIC = need('SW_PUBLIC_CUSTOMER'); // another customer, status page public
const PUBLIC_TITLE = need('SW_PUBLIC_TITLE');
const PUBLIC_COMPONENT = need('SW_PUBLIC_COMPONENT');
const CHECK = need('SW_PASSIVE_CHECK'); // customer/deployment/service/check
const COMPONENT = need('SW_PASSIVE_COMPONENT'); // that service's name on the status page
const INCIDENT = need('SW_INCIDENT'); // the id the incident manager gives it: INC-1
const ART = need('SW_ARTIFACTS');
const CHROMIUM = process.env.SW_CHROMIUM || '/usr/bin/chromium';
const DEPLOYMENT = CHECK.split('/').slice(0, 2).join('/');
const SERVICE = CHECK.split('/').slice(0, 3).join('/');
const BUDGET_MS = 85000; // the whole run; t_browser.sh's own limit is above it

let passed = 0;
let failed = 0;
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);

function check(what, cond, detail) {
    if (cond) {
        passed++;
        console.log(`ok   ${secs()}s ${what}`);
    } else {
        failed++;
        console.log(`FAIL ${secs()}s ${what}${detail === undefined ? '' : ': ' + detail}`);
    }
    return cond;
}
function eq(what, expected, actual) {
    return check(what, expected === actual,
        `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
function match(what, re, actual) {
    return check(what, typeof actual === 'string' && re.test(actual),
        `${JSON.stringify(actual)} does not match ${re}`);
}
function finish() {
    console.log(`browser artefacts: ${ART}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

// a stuck page must not hold CI: the run ends itself, counting the rest as failed
const watchdog = setTimeout(() => {
    check(`the run finishes within ${BUDGET_MS / 1000} s`, false, 'timed out');
    finish();
}, BUDGET_MS);
watchdog.unref();

// ---- the API, as a script with the engineer's bearer token ----

async function api(method, p, body) {
    const r = await fetch(BASE + p, {
        method,
        headers: { Authorization: `Bearer ${ENG_TOKEN}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json = null;
    try {
        json = JSON.parse(text);
    } catch {
        // not JSON: the caller looks at the status
    }
    return { status: r.status, json, text };
}

async function until(what, ms, fn) {
    const end = Date.now() + ms;
    for (;;) {
        const v = await fn();
        if (v) {
            return v;
        }
        if (Date.now() > end) {
            throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
        }
        await new Promise((res) => setTimeout(res, 200));
    }
}

// ---- what every page does: requests stay on 127.0.0.1, no script or CSP error ----

const seen = { requests: 0, offsite: [], errors: [], failedAssets: [] };

function watch(context) {
    context.on('request', (req) => {
        seen.requests++;
        const u = new URL(req.url());
        if (['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) && u.hostname !== '127.0.0.1') {
            seen.offsite.push(req.url());
        }
    });
    context.on('response', (resp) => {
        const type = resp.request().resourceType();
        // the pages' stylesheet, script and the polling: a 404 or 500 there is a broken page
        if (type !== 'document' && resp.status() >= 400 && !resp.request().headers()['x-e2e-expect-error']) {
            seen.failedAssets.push(`${resp.status()} ${resp.url()}`);
        }
    });
    // nothing is sent anywhere else even if a page asked: the request is aborted (and counted)
    context.route((url) => url.hostname !== '127.0.0.1' && /^(https?|wss?):$/.test(url.protocol),
        (route) => route.abort('blockedbyclient'));
    context.on('page', (page) => {
        page.on('pageerror', (e) => seen.errors.push(`${page.url()}: script error: ${e.message}`));
        page.on('console', (m) => {
            // a 404 or 401 page is a failed "resource" to chromium: those are asserted as such
            if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) {
                seen.errors.push(`${page.url()}: console: ${m.text()}`);
            }
        });
    });
}

const shots = [];
async function shot(page, name) {
    const file = path.join(ART, name + '.png');
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
}

// the state badge of a dashboard cell: the server draws it inside the cell, the script turns
// the cell itself into the badge
const badge = (loc) => loc.evaluate((el) => (el.classList.contains('st') ? el : el.querySelector('.st'))?.className ?? '');
const text = async (page, sel) => ((await page.locator(sel).first().textContent()) ?? '').trim();
const pathOf = (page) => new URL(page.url()).pathname;

async function signIn(page, token, shotName) {
    await page.goto(BASE + '/login');
    await page.fill('#token', token);
    if (shotName) {
        await shot(page, shotName);
    }
    await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
}

// ---- the scenarios ----

async function scenario1(eng) {
    console.log('# 1. an engineer signs in at /login and lands on the dashboard');
    const first = await eng.goto(BASE + '/');
    eq('a page without a session goes to /login', '/login', pathOf(eng));
    eq('/login answers 200', 200, first.status());

    // a wrong token: the form again with a message, no cookie
    await eng.fill('#token', 'swt_' + '0'.repeat(48));
    const [bad] = await Promise.all([eng.waitForNavigation(), eng.click('form[action="/login"] button[type=submit]')]);
    eq('a wrong token is refused with 401', 401, bad.status());
    eq('a wrong token is told', 'That token is unknown or revoked.', await text(eng, 'main [role=alert]'));

    await signIn(eng, ENG_TOKEN, '01-login');
    eq('signed in, the engineer lands on the dashboard', '/', pathOf(eng));
    eq('the dashboard heading', 'Dashboard', await text(eng, 'h1'));
    eq('signed in as the token\'s name', ENG_NAME, await text(eng, 'nav .who strong'));
    match('the page carries its anti-forgery token', /^[0-9a-f]{64}$/,
        await eng.locator('meta[name="csrf-token"]').getAttribute('content'));
    const cookie = (await eng.context().cookies()).find((c) => c.name === 'sw_session');
    check('the session cookie is HttpOnly and SameSite=Strict', cookie && cookie.httpOnly && cookie.sameSite === 'Strict',
        JSON.stringify(cookie));
    eq('no request left 127.0.0.1 while signing in', '', seen.offsite.join(' '));
    await shot(eng, '02-dashboard');
}

async function scenario2(eng) {
    console.log(`# 2. ${CHECK} goes CRITICAL: the dashboard shows it within 15 s, without a reload`);
    const cell = eng.locator(`[data-map="cells"][data-key="${DEPLOYMENT}"]`);
    const notOk = eng.locator(`[data-map="not_ok"][data-key="${DEPLOYMENT}"]`);
    eq(`${DEPLOYMENT} is OK on the dashboard`, '\u25cf OK', ((await cell.textContent()) ?? '').trim());
    eq(`${DEPLOYMENT} is drawn as OK`, 'st st-ok', await badge(cell));
    eq(`${DEPLOYMENT}: no service not OK`, '0', ((await notOk.textContent()) ?? '').trim());
    eq('no open incident yet', '0', await text(eng, '[data-field="incidents.open"]'));

    // a reload would lose this mark, and is counted besides
    await eng.evaluate(() => {
        window.__e2eNoReload = true;
    });
    let navigations = 0;
    const countNav = (f) => {
        if (f === eng.mainFrame()) {
            navigations++;
        }
    };
    eng.on('framenavigated', countNav);

    const posted = await api('POST', '/api/v1/results', { check: CHECK, state: 'CRITICAL', output: 'e2e: down' });
    check('the CRITICAL result is taken (2xx)', posted.status >= 200 && posted.status < 300, `${posted.status} ${posted.text}`);
    const start = Date.now();
    let shown = true;
    try {
        await eng.waitForFunction(
            (key) => {
                const el = document.querySelector(`[data-map="cells"][data-key="${key}"]`);
                return el && el.textContent.includes('CRITICAL');
            },
            DEPLOYMENT, { timeout: 15000, polling: 100 });
    } catch {
        shown = false;
    }
    const took = ((Date.now() - start) / 1000).toFixed(1);
    check(`${DEPLOYMENT} shows CRITICAL within 15 s (${took} s)`, shown, `still ${JSON.stringify(await cell.textContent())}`);
    eq(`${DEPLOYMENT}'s cell text`, '\u25b2 CRITICAL', ((await cell.textContent()) ?? '').trim());
    eq(`${DEPLOYMENT} is drawn as critical`, 'st st-crit', await badge(cell));
    eq(`${DEPLOYMENT}: one service not OK`, '1', ((await notOk.textContent()) ?? '').trim());
    eq('the services card counts it', '1', await text(eng, '[data-field="services.critical"]'));
    eq('the page was not reloaded', true, await eng.evaluate(() => window.__e2eNoReload === true));
    eq('no navigation happened', 0, navigations);

    // the incident the manager opens comes in by the next polls
    let opened = true;
    try {
        await eng.waitForFunction(() => document.querySelector('[data-field="incidents.open"]').textContent.trim() === '1',
            null, { timeout: 15000, polling: 200 });
    } catch {
        opened = false;
    }
    check('the dashboard counts one open incident, without a reload', opened,
        `shows ${await text(eng, '[data-field="incidents.open"]')}`);
    eq(`the open incidents list links ${INCIDENT}`, 1,
        await eng.locator(`[data-list="open_incidents"] a[href="/incidents/${INCIDENT}"]`).count());
    eq('still no navigation', 0, navigations);
    eng.off('framenavigated', countNav);
    await shot(eng, '03-dashboard-critical');
}

async function scenario3(eng) {
    console.log(`# 3. ${INCIDENT} is opened from /incidents and acknowledged with the keyboard`);
    const list = await until(`the incident of ${SERVICE}`, 10000, async () => {
        const r = await api('GET', '/api/v1/incidents');
        return r.status === 200 && Array.isArray(r.json) && r.json.some((i) => i.service === SERVICE) ? r.json : null;
    });
    eq(`the incident manager opened ${INCIDENT} for ${SERVICE}`, INCIDENT,
        list.filter((i) => i.service === SERVICE).map((i) => i.id).join(','));

    await Promise.all([eng.waitForNavigation(), eng.click('nav a[href="/incidents"]')]);
    eq('the navigation leads to /incidents', '/incidents', pathOf(eng));
    const row = eng.locator('table.incidents tbody tr', { has: eng.locator(`a[href="/incidents/${INCIDENT}"]`) });
    eq(`${INCIDENT} is listed once`, 1, await row.count());
    match(`${INCIDENT} is listed as triggered`, /triggered/, (await row.first().textContent()) ?? '');
    await shot(eng, '04-incidents');

    await Promise.all([eng.waitForNavigation(), row.locator(`a[href="/incidents/${INCIDENT}"]`).click()]);
    eq(`the link opens /incidents/${INCIDENT}`, `/incidents/${INCIDENT}`, pathOf(eng));
    match(`the page is about ${INCIDENT}`, new RegExp(`^${INCIDENT}: `), await text(eng, 'h1'));

    // Tab from the top of the page until the Acknowledge button has the focus
    const ack = `button[data-action="POST /api/v1/incidents/${INCIDENT}/ack"]`;
    eq('one Acknowledge button', 1, await eng.locator(ack).count());
    eq('it says Acknowledge', 'Acknowledge', await text(eng, ack));
    await eng.locator('body').evaluate((b) => b.focus());
    let tabs = 0;
    let focused = false;
    while (tabs < 60 && !focused) {
        await eng.keyboard.press('Tab');
        tabs++;
        focused = await eng.evaluate((sel) => document.activeElement === document.querySelector(sel), ack);
    }
    check(`the Acknowledge button is reached with Tab (${tabs} presses)`, focused, `not after ${tabs}`);
    const outline = await eng.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    eq('the focused button shows a focus outline', 'solid', outline);
    await shot(eng, '05-incident-ack-focused');

    const meta = await eng.locator('meta[name="csrf-token"]').getAttribute('content');
    const reloaded = eng.waitForEvent('load');
    const [resp] = await Promise.all([
        eng.waitForResponse((r) => r.url() === `${BASE}/api/v1/incidents/${INCIDENT}/ack` && r.request().method() === 'POST'),
        eng.keyboard.press('Enter'),
    ]);
    eq('Enter posts the acknowledgement: 200', 200, resp.status());
    eq('it carries the page\'s X-CSRF-Token', meta, resp.request().headers()['x-csrf-token']);
    check('it carries no Authorization header (the session acts)', !resp.request().headers().authorization);
    await reloaded;
    eq('the page reloads after it', `/incidents/${INCIDENT}`, pathOf(eng));
    eq('the Acknowledge button is gone', 0, await eng.locator(ack).count());
    match('the page says acknowledged', /acknowledged/, await text(eng, 'dl.facts dt:text-is("Status") + dd'));
    match(`acknowledged by ${ENG_NAME}`, new RegExp(` by ${ENG_NAME}$`), await text(eng, 'dl.facts dt:text-is("Acknowledged") + dd'));
    await shot(eng, '06-incident-acknowledged');

    const got = await api('GET', `/api/v1/incidents/${INCIDENT}`);
    eq(`GET /api/v1/incidents/${INCIDENT}: 200`, 200, got.status);
    eq('the API says status acknowledged', 'acknowledged', got.json && got.json.status);
    eq('the API says acknowledged_by the token\'s name', ENG_NAME, got.json && got.json.acknowledged_by);

    // the session without the page's token may change nothing
    const forged = await eng.evaluate(async (p) => {
        const r = await fetch(p, {
            method: 'POST', credentials: 'same-origin', body: '{"text": "forged"}',
            headers: { 'Content-Type': 'application/json', 'x-e2e-expect-error': '1' },
        });
        return { status: r.status, body: await r.text() };
    }, `/api/v1/incidents/${INCIDENT}/note`);
    eq('a change with the cookie but no X-CSRF-Token: 403', 403, forged.status);
    match('its error code is csrf', /"code": ?"csrf"/, forged.body);
}

async function scenario4(browser) {
    console.log(`# 4. a customer of ${CUSTOMER} sees its status page, not ${OTHER}'s; ${PUBLIC}'s is public`);
    const ctx = await browser.newContext();
    watch(ctx);
    ctx.setDefaultTimeout(10000);
    const cu = await ctx.newPage();
    await signIn(cu, CUST_TOKEN, null);
    eq('the customer lands on its own overview', `/customers/${CUSTOMER}`, pathOf(cu));
    const hrefs = await cu.locator('nav.top ul a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check('its navigation links its status page', hrefs.includes(`/status/${CUSTOMER}`), hrefs.join(' '));
    eq('its navigation links none of the team\'s pages (dashboard, on call, health)', '',
        hrefs.filter((h) => ['/', '/oncall', '/health'].includes(h)).join(' '));
    await shot(cu, '07-customer-overview');

    let r = await cu.goto(`${BASE}/status/${CUSTOMER}`);
    eq(`/status/${CUSTOMER}: 200`, 200, r.status());
    eq('its heading', `${CUSTOMER_TITLE} status`, await text(cu, 'h1'));
    match('the overall status says outage', /^\u25b2 Outage/, await text(cu, '.overall'));
    match(`${COMPONENT} is shown as an outage`, /\u25b2 Outage/,
        (await cu.locator('li.component', { hasText: COMPONENT }).first().textContent()) ?? '');
    match('the current incident is Identified (acknowledged)', /\u00b7 Identified/,
        await text(cu, '#incidents + h3 + ul li'));
    eq('no check output on the status page', 0, await cu.getByText('e2e: down').count());
    await shot(cu, '08-status-own');

    r = await cu.goto(`${BASE}/status/${OTHER}`);
    eq(`/status/${OTHER} for ${CUSTOMER}'s token: 404`, 404, r.status());
    eq('the 404 page says only that', 'Not found|There is nothing here.',
        `${await text(cu, 'h1')}|${await text(cu, 'main p')}`);
    eq(`the 404 page does not name ${OTHER}`, 0, await cu.getByText(new RegExp(OTHER, 'i')).count());
    await shot(cu, '09-status-other-404');
    r = await cu.goto(`${BASE}/incidents/${INCIDENT}`);
    eq(`the customer may read its own incident ${INCIDENT}`, 200, r.status());
    eq('but has no buttons', 0, await cu.locator('button[data-action]').count());
    await ctx.close();

    // nobody signed in
    const anon = await browser.newContext();
    watch(anon);
    anon.setDefaultTimeout(10000);
    const pub = await anon.newPage();
    r = await pub.goto(`${BASE}/status/${PUBLIC}`);
    eq(`/status/${PUBLIC} without signing in: 200`, 200, r.status());
    eq('its heading', `${PUBLIC_TITLE} status`, await text(pub, 'h1'));
    eq(`its component ${PUBLIC_COMPONENT} is listed`, 1,
        await pub.locator('li.component strong', { hasText: PUBLIC_COMPONENT }).count());
    eq('a public page has no navigation', 0, await pub.locator('nav.top').count());
    eq('a public page has no anti-forgery token', 0, await pub.locator('meta[name="csrf-token"]').count());
    await shot(pub, '10-status-public');
    await pub.goto(`${BASE}/status/${CUSTOMER}`);
    eq(`/status/${CUSTOMER} (not public) without signing in goes to /login`, '/login', pathOf(pub));
    await pub.goto(`${BASE}/incidents`);
    eq('/incidents without signing in goes to /login', '/login', pathOf(pub));
    await anon.close();
}

function scenario5() {
    console.log('# 5. the screenshots');
    const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (const f of shots) {
        let b = Buffer.alloc(0);
        try {
            b = readFileSync(f);
        } catch {
            // counted below as not a PNG
        }
        check(`${path.basename(f)} is a PNG (${b.length} bytes)`, b.length > 2000 && b.subarray(0, 8).equals(PNG));
    }
}

// ---- the run ----

mkdirSync(ART, { recursive: true });
// this program's own screenshots of an earlier run: a stale one is never taken for this run's
for (const f of readdirSync(ART)) {
    if (/^([0-9]{2}-[a-z0-9-]+|failed-scenario-[0-9])\.png$/.test(f)) {
        rmSync(path.join(ART, f), { force: true });
    }
}

// the passive check starts PENDING: an OK result first, until the dashboard's data has it
const ok = await api('POST', '/api/v1/results', { check: CHECK, state: 'OK', output: 'e2e: fine' });
check('the OK result is taken (2xx)', ok.status >= 200 && ok.status < 300, `${ok.status} ${ok.text}`);
await until(`${DEPLOYMENT} OK in /api/v1/dashboard`, 10000, async () => {
    const d = await api('GET', '/api/v1/dashboard');
    return d.json && d.json.cells && d.json.cells[DEPLOYMENT] === 'OK';
});

const launched = Date.now();
const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // root in a container: chromium's sandbox needs user namespaces it may not have
    args: ['--no-sandbox'],
});
console.log(`# chromium ${browser.version()} started in ${Date.now() - launched} ms`);
const engCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
watch(engCtx);
engCtx.setDefaultTimeout(10000);
const eng = await engCtx.newPage();

// each scenario's own failure is counted and the next still runs
for (const [n, run] of [[1, () => scenario1(eng)], [2, () => scenario2(eng)], [3, () => scenario3(eng)],
    [4, () => scenario4(browser)]]) {
    try {
        await run();
    } catch (e) {
        check(`scenario ${n} ran to its end`, false, e.message.split('\n')[0]);
        await shot(eng, `failed-scenario-${n}`).catch(() => {});
    }
}
await browser.close();
scenario5();
console.log(`# across all pages: ${seen.requests} requests`);
eq('no request of any page left 127.0.0.1', '', seen.offsite.join(' '));
eq('no script, console or CSP error on any page', '', seen.errors.join(' | '));
eq('no stylesheet, script or poll failed', '', seen.failedAssets.join(' | '));
finish();
