#!/usr/bin/env node
// A tiny command line over the npm package sops-age (an independent SOPS
// decrypter for age keys and AES-256-GCM values; it does not check the MAC),
// so the interop tests can compare its view of a file with veil's.
//
//   node sops-age-cli.mjs decrypt -i IDENTITY_FILE -t yaml|json|env < FILE
//       prints the decrypted tree as canonical JSON (see below)
//   node sops-age-cli.mjs canon < JSON
//       prints a JSON document (e.g. `veil decrypt --output-type json`) the
//       same canonical way, so two trees compare with cmp
//
// Canonical: JSON.stringify with two-space indentation after JSON.parse, so
// 1.0 and 1 are the same number and escapes are spelled one way.
import { readFileSync } from "node:fs";
import { decryptSops } from "sops-age";

function secretKey(path) {
	const line = readFileSync(path, "utf8")
		.split(/\r?\n/)
		.find((l) => l.startsWith("AGE-SECRET-KEY-"));
	if (!line) throw new Error(`${path}: no AGE-SECRET-KEY- line`);
	return line;
}

function canonical(tree) {
	return `${JSON.stringify(tree, null, 2)}\n`;
}

async function decrypt(argv) {
	let key;
	let fileType;
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === "-i" && i + 1 < argv.length) key = secretKey(argv[++i]);
		else if (argv[i] === "-t" && i + 1 < argv.length) fileType = argv[++i];
		else throw new Error(`unexpected argument ${argv[i]}`);
	}
	if (!key) throw new Error("decrypt needs -i IDENTITY_FILE");
	const content = readFileSync(0, "utf8");
	const tree = await decryptSops(content, { secretKey: key, fileType });
	process.stdout.write(canonical(tree));
}

async function canon() {
	process.stdout.write(canonical(JSON.parse(readFileSync(0, "utf8"))));
}

const [cmd, ...rest] = process.argv.slice(2);
const commands = { decrypt, canon };
if (!commands[cmd]) {
	process.stderr.write("usage: sops-age-cli.mjs decrypt -i KEYFILE -t TYPE | canon\n");
	process.exit(2);
}
try {
	await commands[cmd](rest);
} catch (err) {
	process.stderr.write(`sops-age: error: ${err.message}\n`);
	process.exit(1);
}
