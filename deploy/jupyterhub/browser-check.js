// A new student in a real browser: logs in to the hub, sees the course, runs notebook 00 (Run All).
//
//   NODE_PATH=DIR/node_modules node deploy/jupyterhub/browser-check.js URL NAME PASSWORD OUTDIR
//
// URL: the hub (http://127.0.0.1:8000), NAME and PASSWORD: a student's (try-it mode: a new name and
// the shared password). Needs Chromium (Debian: apt-get install chromium; CHROMIUM names another)
// and puppeteer-core (npm install puppeteer-core@22 in DIR). Writes OUTDIR/1-login.png,
// 2-course.png, 3-notebook-top.png, 4-notebook-end.png; prints what it saw and exits 1 when a cell
// that is not tagged raises-exception failed, or a step did not come.
const puppeteer = require('puppeteer-core');
const fs = require('fs');
const path = require('path');

const [url, name, password, out] = process.argv.slice(2);
if (!out) {
    console.error('usage: node browser-check.js URL NAME PASSWORD OUTDIR');
    process.exit(2);
}
fs.mkdirSync(out, {recursive: true});
const MINUTES = 60 * 1000;

(async () => {
    const browser = await puppeteer.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: 'new',
        args: ['--no-sandbox'],        // root in a container has no sandbox to give
        protocolTimeout: 15 * MINUTES, // Run All on a busy machine
    });
    try {
        const page = await browser.newPage();
        await page.setViewport({width: 1280, height: 900});
        await page.goto(`${url}/hub/login`);
        await page.type('#username_input', name);
        await page.type('#password_input', password);
        await page.screenshot({path: path.join(out, '1-login.png')});
        await Promise.all([page.waitForNavigation({timeout: 5 * MINUTES}), page.click('#login_submit')]);
        // The hub shows its spawn page, then the server's default URL: the course.
        await page.waitForFunction(() => location.pathname.endsWith('/tree/AlexLab'), {timeout: 5 * MINUTES});
        await page.waitForSelector('#notebook_list .item_link', {timeout: MINUTES});
        const items = await page.$$eval('#notebook_list .item_name', els => els.map(e => e.textContent.trim()));
        console.log(`course: ${location(page)} lists ${items.join(', ')}`);
        await page.screenshot({path: path.join(out, '2-course.png')});
        const href = await page.$$eval('#notebook_list a.item_link',
            links => links.map(a => a.href).find(h => /00-[^/]*\.ipynb$/.test(h)));
        if (!href) throw new Error('notebook 00 is not in the course folder');
        await page.goto(href);
        await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel
            && Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.kernel.info_reply
            && Jupyter.notebook.kernel.info_reply.status === 'ok', {timeout: 5 * MINUTES});
        const kernel = await page.evaluate(() => Jupyter.notebook.kernel.name);
        console.log(`notebook 00 open, kernel ${kernel} connected`);
        await page.screenshot({path: path.join(out, '3-notebook-top.png')});
        const started = Date.now();
        await page.evaluate(() => Jupyter.notebook.execute_all_cells());
        await page.waitForFunction(() => Jupyter.notebook.get_cells()
            .filter(c => c.cell_type === 'code')
            .every(c => typeof c.input_prompt_number === 'number'), {timeout: 10 * MINUTES, polling: 500});
        const cells = await page.evaluate(() => Jupyter.notebook.get_cells()
            .filter(c => c.cell_type === 'code')
            .map(c => ({
                tagged: (c.metadata.tags || []).includes('raises-exception'),
                error: c.output_area.outputs.some(o => o.output_type === 'error'),
                first: c.get_text().split('\n')[0].slice(0, 60),
            })));
        const wrong = cells.filter(c => c.error !== c.tagged);
        console.log(`Run All: ${cells.length} code cells in ${((Date.now() - started) / 1000).toFixed(1)} s, `
            + `${cells.filter(c => c.error).length} raised (tagged raises-exception: `
            + `${cells.filter(c => c.tagged).length}), ${wrong.length} wrong`);
        wrong.forEach(c => console.log(`  WRONG: ${c.error ? 'raised' : 'did not raise'}: ${c.first}`));
        await page.evaluate(() => Jupyter.notebook.scroll_to_bottom());
        await page.screenshot({path: path.join(out, '4-notebook-end.png')});
        process.exitCode = wrong.length ? 1 : 0;
    } catch (e) {
        console.error(`browser check: ${e.message}`);
        process.exitCode = 1;
    } finally {
        await browser.close();
    }
})();

function location(page) {
    return new URL(page.url()).pathname;
}
