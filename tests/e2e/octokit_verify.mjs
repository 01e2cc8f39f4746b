// GitHub's own webhook signature code, @octokit/webhooks-methods (pinned in
// ci/github/linters, installed into ci/.node), on signatures the grader sent.
//
// stdin: {"secret": S, "checks": [{"payload": P, "signature": "sha256=..."}, ...]}
// stdout: one JSON array, per check {"verify": verify(S, P, signature),
//         "sign": sign(S, P)}, the signature octokit would have sent.
//
// Run from ci/.node, as an ES module given with --eval, so that the import
// below resolves in ci/.node/node_modules (tests/e2e/webhook.py does).
import { sign, verify } from "@octokit/webhooks-methods";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { secret, checks } = JSON.parse(input);
const out = [];
for (const c of checks) {
	out.push({
		verify: await verify(secret, c.payload, c.signature),
		sign: await sign(secret, c.payload),
	});
}
process.stdout.write(JSON.stringify(out) + "\n");
