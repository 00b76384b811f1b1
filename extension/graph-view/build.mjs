// Bundles src/index.js with its npm dependencies into one ES module that the GraphView
// anywidget loads: runic/notebook/widgets/graph_view.bundle.js. The first line records a
// hash of the sources so a test can tell when the committed bundle is stale.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

export const SOURCES = ["build.mjs", "package.json", "package-lock.json"];

export function sourceHash(root = ".") {
  const files = [...SOURCES, ...readdirSync(join(root, "src")).sort().map((f) => `src/${f}`)];
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file + "\0");
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const out = "../../runic/notebook/widgets/graph_view.bundle.js";
await build({
  entryPoints: ["src/index.js"],
  bundle: true,
  format: "esm",
  minify: true,
  target: ["es2020"],
  legalComments: "eof",
  banner: { js: `// runic-graph-view source-hash: ${sourceHash()} (built by .ci/build-graph-view.sh; do not edit)` },
  outfile: out,
  logLevel: "warning",
});
console.log(`graph view bundle -> runic/notebook/widgets/graph_view.bundle.js`);
