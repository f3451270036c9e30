// Validates rendered Kubernetes objects against the OpenAPI-derived schemas compiled into the
// kubernetes-models packages. Input: a JSON file holding an array of objects. Output (stdout): a
// JSON array with one {kind, name, errors} per object; an object of an unknown apiVersion/kind is
// an error too, so nothing passes unchecked. Unknown fields are not reported (the packages'
// schemas allow them); the Java tests assert the fields that matter by path.
import { readFileSync } from "node:fs";

const [input] = process.argv.slice(2);
const objects = JSON.parse(readFileSync(input, "utf8"));

// apiVersion "group/version" → module directory; the core group ("v1") has no group part.
const packages = [
  { groups: /^monitoring\.coreos\.com\//, module: "@kubernetes-models/prometheus-operator" },
  { groups: /./, module: "kubernetes-models" },
];

async function modelFor(apiVersion, kind) {
  const pkg = packages.find((p) => p.groups.test(apiVersion)).module;
  const path = `${pkg}/${apiVersion}/${kind}`;
  try {
    const mod = await import(path);
    return mod[kind];
  } catch (e) {
    return null;
  }
}

const results = [];
for (const object of objects) {
  const kind = object?.kind;
  const name = object?.metadata?.name;
  const Model = await modelFor(object?.apiVersion ?? "", kind ?? "");
  if (!Model) {
    results.push({ kind, name, errors: [`no schema for apiVersion ${object?.apiVersion} kind ${kind}`] });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ kind, name, errors: [] });
  } catch (e) {
    const details = Array.isArray(e.errors) ? e.errors.map((x) => `${x.instancePath} ${x.message}`) : [String(e.message)];
    results.push({ kind, name, errors: details });
  }
}
process.stdout.write(JSON.stringify(results));
