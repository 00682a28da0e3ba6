// A STAND-IN for the Kubernetes API server (no real kube-apiserver can run
// here): a loopback HTTPS server that answers GET
// /api/v1/namespaces/NS/secrets/NAME the way the API does, with the Status
// shapes of the API for failures. It checks only what veil sends.
//
//   node kube_standin.js DIR
// DIR holds server.crt, server.key, token (the token the "kubelet" mounted;
// only its current content is accepted) and secrets/NS/NAME.json (bodies).
// Special names: "forbidden" -> 403, "hang" -> never answers, "huge" -> a
// 3 MiB answer, "rotate" -> serves the Secret, then rotates the token file
// (a new token, the old one refused from then on), as the kubelet does.
// Writes its port to DIR/port, one line per request to DIR/requests.log.
'use strict';
const fs = require('fs');
const https = require('https');
const path = require('path');

const dir = process.argv[2];
const log = (line) => fs.appendFileSync(path.join(dir, 'requests.log'), line + '\n');

function status(res, code, reason, message) {
	const body = JSON.stringify({
		kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
		// A marker a test can look for: veil must never echo a body.
		message: 'BODY-MARKER ' + message, reason, code,
	});
	res.writeHead(code, { 'Content-Type': 'application/json' });
	res.end(body);
}

const server = https.createServer({
	cert: fs.readFileSync(path.join(dir, 'server.crt')),
	key: fs.readFileSync(path.join(dir, 'server.key')),
}, (req, res) => {
	const auth = req.headers.authorization || '';
	const token = fs.readFileSync(path.join(dir, 'token'), 'utf8').trim();
	log(`${req.method} ${req.url} accept=${req.headers.accept} token=${auth.slice(7)}`);
	const m = /^\/api\/v1\/namespaces\/([a-z0-9-]+)\/secrets\/([a-z0-9.-]+)$/.exec(req.url);
	if (req.method !== 'GET' || !m)
		return status(res, 400, 'BadRequest', 'unexpected request');
	const [, ns, name] = m;
	if (name === 'hang')
		return; // never answers: the client's timeout must fire
	if (auth !== 'Bearer ' + token)
		return status(res, 401, 'Unauthorized', 'Unauthorized');
	if (name === 'forbidden')
		return status(res, 403, 'Forbidden', `secrets "${name}" is forbidden: User ` +
			`"system:serviceaccount:${ns}:veil" cannot get resource "secrets" in API ` +
			`group "" in the namespace "${ns}"`);
	if (name === 'huge') {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		return res.end('{"kind":"Secret","data":{"x.agekey":"' + 'A'.repeat(3 << 20) + '"}}');
	}
	const file = path.join(dir, 'secrets', ns, name + '.json');
	if (!fs.existsSync(file))
		return status(res, 404, 'NotFound', `secrets "${name}" not found`);
	// Rotated before the answer leaves, so the client's next read sees it.
	if (name === 'rotate')
		fs.writeFileSync(path.join(dir, 'token'), token + '-rotated\n');
	res.writeHead(200, { 'Content-Type': 'application/json' });
	res.end(fs.readFileSync(file));
});

server.listen(0, '127.0.0.1', () => {
	fs.writeFileSync(path.join(dir, 'port.tmp'), String(server.address().port));
	fs.renameSync(path.join(dir, 'port.tmp'), path.join(dir, 'port'));
});
