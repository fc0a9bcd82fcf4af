// tests/browser/check-page.js — the browser test of the HTML report (issue 13): Debian's headless
// Chromium opens a page surge wrote and the test fails on any console message (the page has no
// script, so there should be none), on a chart that drew no line, on a threshold row missing
// against the JSON reports, on a page with no chart, or, for several runs on one page, on a
// deliveries chart without a line of each run. It saves a screenshot of each page.
//
//   node check-page.js run SURGE SCENARIO OUTDIR         surge run SCENARIO -o r.json --html r.html
//   node check-page.js compare SURGE SCENARIO OUTDIR     two runs (the second with 3x the workers), surge report of both
//   node check-page.js suite SURGE OUTDIR                surge suite -o suite.json --html suite.html
//   node check-page.js page PAGE.html OUTDIR REPORT...   a page written elsewhere (the live replay's --html)
//   node check-page.js big SURGE SCENARIO OUTDIR [N]     two runs of ~2 000 windows each (28 series of
//       ~2 000 points on one page): checked as above, every point drawn, then timed N times (default 5)
//       in Chromium — load, a full relayout (as a window resize), the next frame — and the medians
//       printed (tests/bench/html_page_bench.sh; docs/performance.md). N = 0: no timing (CTest's
//       browser.big_page: a loaded CI machine must not fail a test on speed).
// Exit 0 pass, 1 a check failed, 77 no Chromium (skipped; .ci/run installs it).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const browser = ['chromium', 'chromium-browser'].find((b) => spawnSync('which', [b]).status === 0);
if (!browser) {
  console.log('check-page: no chromium on PATH: skipped');
  process.exit(77);
}
const failures = [];
const fail = (what) => failures.push(what);

function surge(bin, args) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`surge ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

function chrome(args) {
  const base = ['--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--enable-logging=stderr', '--v=0',
                '--user-data-dir=' + fs.mkdtempSync('/tmp/surge-chromium-')];
  return spawnSync(browser, base.concat(args), { encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20 });
}

/// Every threshold row the reports should give (a suite: each test's).
function thresholdsOf(files) {
  let n = 0;
  for (const f of files) {
    const r = JSON.parse(fs.readFileSync(f, 'utf8'));
    const runs = r.mode === 'suite' ? r.tests : [r];
    for (const t of runs) n += (t.thresholds || []).length;
  }
  return n;
}

function check(page, reports, outdir, name) {
  const url = 'file://' + path.resolve(page);
  const dom = chrome(['--dump-dom', url]);
  if (dom.status !== 0) fail(`${name}: chromium --dump-dom exited ${dom.status}`);
  const consoleLines = (dom.stderr || '').split('\n').filter((l) => l.includes(':CONSOLE('));
  for (const l of consoleLines) fail(`${name}: console message: ${l}`);
  const html = dom.stdout || '';
  const suite = reports.some((f) => JSON.parse(fs.readFileSync(f, 'utf8')).mode === 'suite');
  const figures = html.split('<figure class="chart"').slice(1);
  if (figures.length === 0) fail(`${name}: no chart`);
  figures.forEach((f, i) => {
    const body = f.slice(0, f.indexOf('</figure>'));
    const title = (body.match(/class="title">([^<]*)</) || [])[1] || `chart ${i + 1}`;
    const drawn = [...body.matchAll(/<polyline[^>]* points="([^"]*)"/g)].some((m) => m[1].trim().split(/\s+/).length >= 2);
    if (!drawn) fail(`${name}: "${title}" drew no line`);
    // Several runs on the same axes (two runs; a live run beside its simulation): the deliveries
    // chart has a line of each, since both modes measure it.
    if (title === 'deliveries per second' && !suite) {
      const lines = [...body.matchAll(/<polyline[^>]* points="([^"]*)"/g)].filter((m) => m[1].trim().split(/\s+/).length >= 2).length;
      if (lines < reports.length) fail(`${name}: "${title}" drew ${lines} lines for ${reports.length} reports`);
    }
  });
  const rows = (html.match(/<tr class="threshold (pass|fail|not_measured)"/g) || []).length;
  const want = thresholdsOf(reports);
  if (rows !== want) fail(`${name}: ${rows} threshold rows, the reports have ${want}`);
  const shot = path.join(outdir, name + '.png');
  const s = chrome(['--window-size=1000,2400', '--screenshot=' + shot, url]);
  if (s.status !== 0 || !fs.existsSync(shot)) fail(`${name}: no screenshot`);
  console.log(`${name}: ${figures.length} charts, ${rows} threshold rows, screenshot ${shot}`);
}

/// Load, relayout and frame times of `page` in Chromium, from a copy with a probe script (the page
/// itself has none): medians of n runs, in milliseconds.
function timings(page, outdir, n) {
  const probe = `<script>
window.addEventListener('load', () => {
  const t = { load_ms: performance.now() };
  let a = performance.now();
  document.body.style.width = '700px';
  void document.body.offsetHeight;
  t.relayout_ms = performance.now() - a;
  a = performance.now();
  requestAnimationFrame(() => requestAnimationFrame(() => {
    t.frame_ms = performance.now() - a;
    document.title = 'TIMINGS ' + JSON.stringify(t);
  }));
});
</script>`;
  const copy = path.join(outdir, 'timed.html');
  fs.writeFileSync(copy, fs.readFileSync(page, 'utf8').replace('</body>', probe + '</body>'));
  const runs = [];
  for (let i = 0; i < n; i++) {
    const r = chrome(['--window-size=1000,2400', '--virtual-time-budget=5000', '--dump-dom', 'file://' + path.resolve(copy)]);
    const m = (r.stdout || '').match(/<title>TIMINGS ([^<]*)<\/title>/);
    if (!m) return fail(`timings: run ${i + 1} gave no figures`);
    runs.push(JSON.parse(m[1].replaceAll('&quot;', '"')));
  }
  const median = (k) => {
    const v = runs.map((r) => r[k]).sort((x, y) => x - y);
    return v[Math.floor(v.length / 2)];
  };
  const bytes = fs.statSync(page).size;
  console.log(`timings (median of ${n}, ${(bytes / 1024).toFixed(0)} KiB page): load ${median('load_ms').toFixed(0)} ms, ` +
              `relayout ${median('relayout_ms').toFixed(1)} ms, next frame ${median('frame_ms').toFixed(1)} ms`);
}

const [mode, ...a] = process.argv.slice(2);
try {
  if (mode === 'run') {
    const [bin, scenario, out] = a;
    fs.mkdirSync(out, { recursive: true });
    const json = path.join(out, 'run.json'), html = path.join(out, 'run.html');
    surge(bin, ['run', scenario, '-q', '-o', json, '--html', html]);
    check(html, [json], out, 'run');
  } else if (mode === 'compare') {
    const [bin, scenario, out] = a;
    fs.mkdirSync(out, { recursive: true });
    const one = path.join(out, 'one.json'), two = path.join(out, 'two.json'), html = path.join(out, 'compare.html');
    surge(bin, ['run', scenario, '-q', '-o', one]);
    surge(bin, ['run', scenario, '-q', '-o', two, '--set', '/server/workers=12']);
    surge(bin, ['report', one, two, '-o', html]);
    check(html, [one, two], out, 'compare');
  } else if (mode === 'suite') {
    const [bin, out] = a;
    fs.mkdirSync(out, { recursive: true });
    const json = path.join(out, 'suite.json'), html = path.join(out, 'suite.html');
    surge(bin, ['suite', '-o', json, '--html', html]);
    check(html, [json], out, 'suite');
  } else if (mode === 'big') {
    const [bin, scenario, out, n] = a;
    fs.mkdirSync(out, { recursive: true });
    const one = path.join(out, 'long.json'), two = path.join(out, 'long-3-workers.json'), html = path.join(out, 'big.html');
    const long = ['--set', '/duration=1990s', '--set', '/sample_interval=1s', '--set', '/load/0/for=1990s'];
    surge(bin, ['run', scenario, '-q', '-o', one].concat(long));
    surge(bin, ['run', scenario, '-q', '-o', two, '--set', '/server/workers=3'].concat(long));
    surge(bin, ['report', one, two, '-o', html]);
    check(html, [one, two], out, 'big');
    // Every window drawn: the longest line of the page has a point per window.
    const bins = JSON.parse(fs.readFileSync(one, 'utf8')).series.bins;
    const longest = Math.max(...[...fs.readFileSync(html, 'utf8').matchAll(/<polyline[^>]* points="([^"]*)"/g)]
      .map((m) => m[1].trim().split(/\s+/).length));
    if (bins < 1900 || longest !== bins) fail(`big: ${bins} windows, the longest line has ${longest} points`);
    else console.log(`big: ${bins} windows, the longest line has ${longest} points`);
    const times = Number(n ?? 5);
    if (times > 0) timings(html, out, times);
  } else if (mode === 'page') {
    const [page, out, ...reports] = a;
    fs.mkdirSync(out, { recursive: true });
    check(page, reports, out, path.basename(page, '.html'));
  } else {
    console.error('usage: check-page.js run|compare|suite|page|big ...');
    process.exit(2);
  }
} catch (e) {
  fail(e.message);
}
for (const f of failures) console.log('FAIL: ' + f);
process.exit(failures.length === 0 ? 0 : 1);
