#!/usr/bin/env node
// Runs the README's code blocks as printed. How each fenced block is treated (README "Every example runs"):
//
//   ```sh / ```bash      run in order by one bash session against a running emulator (variables carry from block to
//                        block, as in one terminal); `# …` lines right after a command that read like output (they
//                        start with `{`, `[`, `HTTP/` or a lowercase `header-name: `) are compared, in order, with
//                        lines of what the commands since the previous such group printed; `…` and `<…>` match
//                        anything. Other comments (and comments at the end of a command line) are notes.
//   ```ts / ```js        run as a script (`node`, Node's type stripping for TypeScript) in a consumer project that has
//                        the packed tarball installed.
//   ```json              must parse.
//   ``` (no language), ```text   shown output: not run.
//   any other language   must be marked.
// A comment right before the fence changes that:
//   <!-- readme-check: file PATH -->     the block is the file PATH of the consumer project (a test, a config …);
//                                        scripts/check-packed.sh type-checks and runs the project's tests.
//   <!-- readme-check: skip REASON -->   not run; the reason is required.
//
// Usage:
//   node scripts/readme-check.mjs list [README.md]           each block and how it is treated
//   node scripts/readme-check.mjs extract README.md DIR      checks the markers and JSON, writes the file blocks into DIR
//   node scripts/readme-check.mjs run README.md DIR          runs the shell blocks and scripts; DIR has the package installed
// Failures name the block's line and heading: `README.md:93 (## Rackspace: a curl session): …`.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const SHELL = new Set(['sh', 'bash', 'shell']);
const SCRIPT = new Set(['ts', 'js', 'typescript', 'javascript', 'mjs', 'mts']);
const OUTPUT = new Set(['', 'text', 'console']);
const MARKER = /^<!--\s*readme-check:\s*(file|skip)\b\s*(.*?)\s*-->\s*$/;
const README_PORT = 4020; // what the README's commands use
const BLOCK_SECONDS = Number(process.env.README_CHECK_BLOCK_SECONDS ?? 60);

/** Every fenced block: its language, text, first line (1-based, the fence), heading, marker. */
export function parseBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const h = /^(#{1,6}) (.*)$/.exec(lines[i]);
    if (h) heading = `${h[1]} ${h[2]}`;
    const open = /^(`{3,})\s*([\w-]*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !lines[end].startsWith(open[1])) end++;
    const marker = i > 0 ? MARKER.exec(lines[i - 1]) : null;
    const strayMarker = !marker && i > 0 && /readme-check/.test(lines[i - 1]);
    blocks.push({
      line: i + 1,
      heading,
      lang: open[2].toLowerCase(),
      code: lines.slice(i + 1, end).join('\n'),
      marker: marker ? { kind: marker[1], arg: marker[2] } : null,
      strayMarker,
    });
    i = end;
  }
  return blocks;
}

/** How a block is treated, or an error message when it must be marked or its marker is wrong. */
export function classify(b) {
  if (b.strayMarker) return { error: 'the comment before the fence is not `<!-- readme-check: file PATH -->` or `<!-- readme-check: skip REASON -->`' };
  if (b.marker?.kind === 'skip') return b.marker.arg ? { kind: 'skip', why: b.marker.arg } : { error: 'a skip marker needs a reason' };
  if (b.marker?.kind === 'file') {
    if (!b.marker.arg || b.marker.arg.startsWith('/') || b.marker.arg.split('/').includes('..')) return { error: 'a file marker needs a relative path' };
    return { kind: 'file', path: b.marker.arg };
  }
  if (SHELL.has(b.lang)) return { kind: 'shell' };
  if (SCRIPT.has(b.lang)) return { kind: 'script' };
  if (b.lang === 'json') return { kind: 'json' };
  if (OUTPUT.has(b.lang)) return { kind: 'output' };
  return { error: `a \`${b.lang}\` block is not run: mark it <!-- readme-check: skip REASON --> (or file PATH) on the line before the fence` };
}

const where = (file, b) => `${file}:${b.line} (${b.heading})`;

function loadBlocks(readme) {
  const text = readFileSync(readme, 'utf8');
  const name = basename(readme);
  return { name, blocks: parseBlocks(text).map((b) => ({ ...b, how: classify(b) })) };
}

// ------------------------------------------------------------------------------------------------ list / extract

function list(readme) {
  const { name, blocks } = loadBlocks(readme);
  for (const b of blocks) {
    const h = b.how;
    const what = h.error ? `ERROR: ${h.error}` : h.kind === 'file' ? `file ${h.path}` : h.kind === 'skip' ? `skip: ${h.why}` : h.kind;
    console.log(`${where(name, b)} [${b.lang || 'no language'}] ${what}`);
  }
}

function extract(readme, dir) {
  const { name, blocks } = loadBlocks(readme);
  const problems = [];
  const written = new Map();
  for (const b of blocks) {
    const h = b.how;
    if (h.error) problems.push(`${where(name, b)}: ${h.error}`);
    else if (h.kind === 'json') {
      try {
        JSON.parse(b.code);
      } catch (e) {
        problems.push(`${where(name, b)}: the json block does not parse (${e.message}); fix it, or mark it <!-- readme-check: skip REASON -->`);
      }
    } else if (h.kind === 'script') {
      writeScript(dir, b); // type-checked with the project's files
    } else if (h.kind === 'file') {
      if (written.has(h.path)) problems.push(`${where(name, b)}: ${h.path} is already the block at line ${written.get(h.path)}`);
      written.set(h.path, b.line);
      mkdirSync(dirname(join(dir, h.path)), { recursive: true });
      writeFileSync(join(dir, h.path), b.code + '\n');
      console.log(`  ${h.path} (${name}:${b.line})`);
    }
  }
  if (problems.length) fail(problems);
}

// ------------------------------------------------------------------------------------------------ run

/** Splits a shell block into segments, each the commands up to a group of expected-output comment lines. */
export function segments(code) {
  const out = [];
  let cmd = [];
  let expected = [];
  let startLine = 0;
  const looksLikeOutput = (s) => /^(\{|\[|HTTP\/|[a-z0-9-]+: )/.test(s);
  const lines = code.split('\n');
  lines.forEach((l, i) => {
    const c = /^# (.*)$/.exec(l);
    const continuing = cmd.length > 0 && /\\$/.test(cmd[cmd.length - 1]);
    const afterCommand = expected.length > 0 || cmd.some((x) => x.trim() && !x.trim().startsWith('#'));
    if (c && !continuing && afterCommand && looksLikeOutput(c[1])) {
      expected.push(c[1]);
      return;
    }
    if (expected.length) {
      out.push({ code: cmd.join('\n'), expected, startLine });
      cmd = [];
      expected = [];
      startLine = i;
    }
    cmd.push(l);
  });
  out.push({ code: cmd.join('\n'), expected, startLine });
  return out;
}

/** `…` and `<anything>` match any text; the rest literally. */
const pattern = (line) =>
  new RegExp(
    '^' +
      line
        .trim()
        .split(/(…|<[^<>]+>)/)
        .map((part, i) => (i % 2 ? '.*?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function portFree(port) {
  const s = createServer();
  return new Promise((r) => {
    s.once('error', () => r(false));
    s.listen(port, '127.0.0.1', () => s.close(() => r(true)));
  });
}

async function startEmulator(dir, port) {
  const bin = join(dir, 'node_modules/token-api-emulator/bin/token-api-emulator.js');
  const child = spawn(process.execPath, [bin, '--port', String(port), '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (/listening on/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited ${code} before listening`)));
  });
  return child;
}

function runShell(name, blocks, dir, port) {
  const problems = [];
  // Run in the consumer project, like a user in their project (files the blocks write land there).
  const state = join(mkdtempSync(join(dir, '.readme-shell-')), 'state.sh');
  writeFileSync(state, '');
  const baseline = spawnSync('bash', ['-c', 'compgen -v'], { encoding: 'utf8' }).stdout.split('\n');
  const env = { ...process.env, PATH: `${join(dir, 'node_modules/.bin')}:${process.env.PATH}` };
  const rewrite = (s) => (port === README_PORT ? s : s.replaceAll(`127.0.0.1:${README_PORT}`, `127.0.0.1:${port}`));
  for (const b of blocks) {
    const segs = segments(b.code);
    const SEP = '\u001eREADME-CHECK-SEGMENT\u001e';
    const script = [
      `source ${JSON.stringify(state)}`,
      'set -e -o pipefail',
      ...segs.flatMap((s) => [rewrite(s.code), `printf '\\n%s\\n' '${SEP}'`]),
      // Keep the variables this block set for the next blocks.
      `set +e; for __v in $(compgen -v); do case " ${baseline.join(' ')} " in *" $__v "*) ;; *) [[ $__v == __* ]] || declare -p "$__v"; esac; done > ${JSON.stringify(state)} 2>/dev/null`,
    ].join('\n');
    // Output goes to files, not pipes, so that a process the block leaves in the background cannot hold the run
    // open. GNU timeout leads its own process group: on time-out it signals the whole group, and afterwards the
    // group is killed, so nothing a block started outlives it.
    const out = join(dirname(state), 'out'), err = join(dirname(state), 'err');
    const fds = [openSync(out, 'w'), openSync(err, 'w')];
    const r = spawnSync('timeout', ['-k', '5', String(BLOCK_SECONDS), 'bash', '-c', script], { cwd: dir, env, stdio: ['ignore', ...fds] });
    fds.forEach((fd) => closeSync(fd));
    try {
      process.kill(-r.pid, 'SIGKILL');
    } catch {}
    r.stdout = readFileSync(out, 'utf8');
    r.stderr = readFileSync(err, 'utf8');
    const outputs = r.stdout.split(`\n${SEP}\n`);
    const at = where(name, b);
    if (r.status === 124 || r.status === 137) {
      problems.push(`${at}: the block did not finish in ${BLOCK_SECONDS} s (a server started in the foreground? mark the block <!-- readme-check: skip REASON -->)`);
      continue;
    }
    if (r.status !== 0) {
      const done = outputs.length - 1;
      const seg = segs[Math.min(done, segs.length - 1)];
      problems.push(
        `${at}: the block failed (exit ${r.status ?? r.signal}) in the commands from its line ${b.line + 1 + seg.startLine}:\n` +
          indent(seg.code) + `\n  stdout: ${indent(outputs[done] ?? '').trim()}\n  stderr: ${indent(r.stderr).trim()}`,
      );
      continue;
    }
    segs.forEach((s, i) => {
      if (!s.expected.length) return;
      const actual = (outputs[i] ?? '').split('\n').map((l) => l.replace(/\r$/, '').trim());
      let from = 0;
      for (const e of s.expected) {
        const re = pattern(rewrite(e));
        const hit = actual.findIndex((l, k) => k >= from && re.test(l));
        if (hit < 0) {
          problems.push(`${at}: line ${b.line + 1 + s.startLine + s.code.split('\n').length} expects "# ${e}", not in what the commands printed:\n${indent(actual.join('\n'))}`);
          return;
        }
        from = hit + 1;
      }
    });
  }
  return problems;
}

/** A script block as readme-blocks/line-N.mts (or .mjs) in the consumer project. */
function writeScript(dir, b) {
  const ts = ['ts', 'typescript', 'mts'].includes(b.lang);
  const file = join(dir, 'readme-blocks', `line-${b.line}.${ts ? 'mts' : 'mjs'}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, b.code + '\n');
  return { file, ts };
}

function runScripts(name, blocks, dir) {
  const problems = [];
  for (const b of blocks) {
    const { file, ts } = writeScript(dir, b);
    const args = ts && Number(process.versions.node.split('.')[0]) < 23 ? ['--experimental-strip-types', file] : [file];
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) problems.push(`${where(name, b)}: the script failed (exit ${r.status ?? r.signal}):\n${indent(r.stderr || r.stdout)}`);
    else console.log(`  ran ${name}:${b.line} (${b.heading})`);
  }
  return problems;
}

async function run(readme, dir) {
  const { name, blocks } = loadBlocks(readme);
  const bad = blocks.filter((b) => b.how.error);
  if (bad.length) fail(bad.map((b) => `${where(name, b)}: ${b.how.error}`));
  const shell = blocks.filter((b) => b.how.kind === 'shell');
  const scripts = blocks.filter((b) => b.how.kind === 'script');
  // The README's commands say 127.0.0.1:4020; when that port is taken here, another one is used and written into
  // the commands and the expected output instead.
  const port = (await portFree(README_PORT)) ? README_PORT : await freePort();
  if (port !== README_PORT) console.log(`readme-check: port ${README_PORT} is in use here; the shell blocks use ${port} instead`);
  const emulator = await startEmulator(dir, port);
  let problems;
  try {
    console.log(`readme-check: ${shell.length} shell blocks against the emulator on 127.0.0.1:${port}`);
    problems = runShell(name, shell, dir, port);
  } finally {
    emulator.kill('SIGTERM');
  }
  console.log(`readme-check: ${scripts.length} scripts on Node ${process.version}`);
  problems.push(...runScripts(name, scripts, dir));
  if (problems.length) fail(problems);
  console.log(`readme-check: ${shell.length} shell blocks and ${scripts.length} scripts ran as printed`);
}

const indent = (s) => s.replace(/\n$/, '').replace(/^/gm, '    ');

function fail(problems) {
  console.error(`readme-check: ${problems.length} problem(s):\n` + problems.map((p) => `- ${p}`).join('\n'));
  console.error('(a block that is not meant to run: put <!-- readme-check: skip REASON --> on the line before its fence)');
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [cmd, readmeArg = 'README.md', dirArg] = process.argv.slice(2);
  const readme = resolve(readmeArg);
  if (cmd === 'list') list(readme);
  else if (cmd === 'extract' && dirArg) extract(readme, resolve(dirArg));
  else if (cmd === 'run' && dirArg) await run(readme, resolve(dirArg));
  else {
    console.error('usage: node scripts/readme-check.mjs list [README.md] | extract README.md DIR | run README.md DIR');
    process.exit(2);
  }
}
