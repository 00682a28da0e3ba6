#!/usr/bin/env node
// A tiny command line over typage (npm age-encryption), so the interop tests
// can drive the second age implementation like a CLI. stdin -> stdout.
//
//   node typage-cli.mjs encrypt [-a] [-r RECIPIENT]... [-p PASSFILE]
//   node typage-cli.mjs decrypt [-i IDENTITY_FILE]... [-p PASSFILE]
//   node typage-cli.mjs keygen            (identity line, then recipient line)
//
// PASSFILE: the passphrase is the file's first line. Armored input is detected.
import { readFileSync } from "node:fs";
import { Encrypter, Decrypter, armor, generateIdentity, identityToRecipient } from "age-encryption";

function firstLine(path) {
	return readFileSync(path, "utf8").split(/\r?\n/)[0];
}

function keyLines(path) {
	return readFileSync(path, "utf8").split(/\r?\n/).filter((l) => l !== "" && !l.startsWith("#"));
}

function parseArgs(argv, withValue) {
	const opts = { flags: new Set(), values: {} };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (withValue.includes(a)) {
			if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
			(opts.values[a] ??= []).push(argv[++i]);
		} else if (a.startsWith("-")) {
			opts.flags.add(a);
		} else {
			throw new Error(`unexpected argument ${a}`);
		}
	}
	return opts;
}

async function encrypt(argv) {
	const o = parseArgs(argv, ["-r", "-p"]);
	const e = new Encrypter();
	for (const r of o.values["-r"] ?? []) e.addRecipient(r);
	for (const p of o.values["-p"] ?? []) e.setPassphrase(firstLine(p));
	const out = await e.encrypt(readFileSync(0));
	if (o.flags.has("-a")) process.stdout.write(armor.encode(out));
	else process.stdout.write(out);
}

async function decrypt(argv) {
	const o = parseArgs(argv, ["-i", "-p"]);
	const d = new Decrypter();
	for (const f of o.values["-i"] ?? []) for (const k of keyLines(f)) d.addIdentity(k);
	for (const p of o.values["-p"] ?? []) d.addPassphrase(firstLine(p));
	let input = readFileSync(0);
	const head = input.subarray(0, 40).toString("latin1");
	if (head.startsWith("-----BEGIN AGE ENCRYPTED FILE-----")) input = armor.decode(input.toString("latin1"));
	process.stdout.write(await d.decrypt(input, "uint8array"));
}

async function keygen() {
	const id = await generateIdentity();
	process.stdout.write(`${id}\n${await identityToRecipient(id)}\n`);
}

const [cmd, ...rest] = process.argv.slice(2);
const commands = { encrypt, decrypt, keygen };
if (!commands[cmd]) {
	process.stderr.write("usage: typage-cli.mjs encrypt|decrypt|keygen [options]\n");
	process.exit(2);
}
try {
	await commands[cmd](rest);
} catch (err) {
	process.stderr.write(`typage: error: ${err.message}\n`);
	process.exit(1);
}
