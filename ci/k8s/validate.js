#!/usr/bin/env node
// Validates Kubernetes manifests offline against the Kubernetes API schema,
// with the packages that ci/github/lint.sh --install pins into ci/.node:
//   1. kubernetes-models' validators, compiled from the Kubernetes OpenAPI
//      spec (v1.33): types, required fields, enums, formats;
//   2. the TypeScript compiler on the same package's declarations, for what
//      the OpenAPI schema lets through and the API server refuses under
//      strict field validation (kubectl's default): a field it does not know,
//      such as a misspelt `completion:`.
//
//   node ci/k8s/validate.js FILE.yaml...      (exit 0: every document valid)
//
// Each document needs apiVersion and kind of a built-in resource; anything
// else is an error, never skipped. NODE_MODULES overrides ci/.node.
"use strict";
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");
const { spawnSync } = require("child_process");

const prefix = process.env.NODE_MODULES || path.join(__dirname, "..", ".node");
const need = createRequire(path.join(prefix, "package.json"));

function load(name) {
	try {
		return need(name);
	} catch (e) {
		console.error(`validate.js: ${name} is not installed in ${prefix}: ` +
			"run ci/github/lint.sh --install");
		process.exit(2);
	}
}
const YAML = load("yaml");
load("kubernetes-models/v1/Pod");
const tsc = need.resolve("typescript/bin/tsc");

// apiVersion "batch/v1", kind "Job" -> kubernetes-models/batch/v1/Job
function modelPath(doc) {
	if (!doc || typeof doc !== "object" || typeof doc.apiVersion !== "string" ||
		typeof doc.kind !== "string" || !/^[A-Za-z0-9.\/-]+$/.test(doc.apiVersion) ||
		!/^[A-Za-z0-9]+$/.test(doc.kind))
		return null;
	return `kubernetes-models/${doc.apiVersion}/${doc.kind}`;
}

// The document as a TypeScript object literal, one key a line; lines[i] is
// the JSON path of line i + 1, to name the field tsc complains about.
function literal(value, where, lines, indent) {
	const pad = "  ".repeat(indent);
	if (Array.isArray(value)) {
		if (!value.length)
			return "[]";
		const items = value.map((v, i) => {
			lines.push(`${where}[${i}]`);
			return pad + "  " + literal(v, `${where}[${i}]`, lines, indent + 1);
		});
		lines.push(where);
		return "[\n" + items.join(",\n") + "\n" + pad + "]";
	}
	if (value && typeof value === "object") {
		const keys = Object.keys(value);
		if (!keys.length)
			return "{}";
		const items = keys.map((k) => {
			const at = where ? `${where}.${k}` : k;
			lines.push(at);
			return pad + "  " + JSON.stringify(k) + ": " + literal(value[k], at, lines, indent + 1);
		});
		lines.push(where);
		return "{\n" + items.join(",\n") + "\n" + pad + "}";
	}
	return JSON.stringify(value === undefined ? null : value);
}

const files = process.argv.slice(2);
if (!files.length) {
	console.error("usage: node ci/k8s/validate.js FILE.yaml...");
	process.exit(2);
}

let failed = 0;
const typed = []; // { ts, lines, what }
const work = fs.mkdtempSync(path.join(prefix, "k8s-validate-"));
try {
	for (const file of files) {
		let docs;
		try {
			docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
		} catch (e) {
			console.log(`${file}: ${e.message.split("\n")[0]}`);
			failed = 1;
			continue;
		}
		docs.forEach((d, i) => {
			const what = docs.length > 1 ? `${file} (document ${i + 1})` : file;
			if (d.errors.length) {
				console.log(`${what}: ${d.errors[0].message.split("\n")[0]}`);
				failed = 1;
				return;
			}
			const doc = d.toJS();
			const mod = modelPath(doc);
			let Model;
			try {
				Model = mod && need(mod)[doc.kind];
			} catch (e) {
				Model = null;
			}
			if (!Model) {
				console.log(`${what}: no Kubernetes schema for apiVersion ` +
					`${JSON.stringify(doc && doc.apiVersion)}, kind ${JSON.stringify(doc && doc.kind)}`);
				failed = 1;
				return;
			}
			let valid = true;
			try {
				new Model(doc).validate();
			} catch (e) {
				valid = false;
				for (const err of e.errors || [{ instancePath: "", message: e.message }]) {
					const at = err.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(top)";
					const extra = err.params && err.params.allowedValues ?
						` (${err.params.allowedValues.join(", ")})` : "";
					console.log(`${what}: ${at}: ${err.message}${extra}`);
				}
				failed = 1;
			}
			const lines = [];
			const body = literal(doc, "", lines, 0);
			const ts = path.join(work, `doc${typed.length}.ts`);
			const header = `import type { I${doc.kind} } from ${JSON.stringify(mod)};\n` +
				`export const doc: I${doc.kind} = `;
			fs.writeFileSync(ts, header + body + ";\n");
			typed.push({ ts, lines, what, valid, kind: doc.kind,
				name: doc.metadata && doc.metadata.name });
		});
	}
	if (typed.length) {
		const r = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--pretty", "false",
			"--skipLibCheck", "--target", "es2020", "--module", "commonjs",
			"--moduleResolution", "node", ...typed.map((t) => t.ts)], { encoding: "utf8" });
		const out = (r.stdout || "") + (r.stderr || "");
		const bad = new Set();
		for (const line of out.split("\n")) {
			const m = /([^/\s]+\.ts)\((\d+),\d+\): error TS\d+: (.*)$/.exec(line);
			if (!m)
				continue;
			const t = typed.find((x) => path.basename(x.ts) === m[1]);
			if (!t) {
				console.log(line);
				failed = 1;
				continue;
			}
			// Line 1 is the import; the literal starts on line 2.
			const at = t.lines[Number(m[2]) - 3] || "(top)";
			console.log(`${t.what}: ${at}: ${m[3]}`);
			t.valid = false;
			bad.add(t);
			failed = 1;
		}
		if (r.status !== 0 && !bad.size) {
			console.log(`validate.js: tsc failed (exit ${r.status}):\n${out}`);
			failed = 1;
		}
		for (const t of typed.filter((x) => x.valid))
			console.log(`ok: ${t.what}: ${t.kind} ${t.name || ""}`.trimEnd());
	}
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed);
