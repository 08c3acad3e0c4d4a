// Copies the front-end kit from node_modules into tongban/static/vendor, where collectstatic finds it.
// Centres run on offline intranets: every asset a page loads is served by tongban itself.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nm = join(root, "node_modules");
const out = join(root, "tongban", "static", "vendor");
const files = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"],
  ["bootstrap-icons/font/fonts", "bootstrap-icons/fonts"],
  ["echarts/dist/echarts.min.js", "echarts/echarts.min.js"],
  // the searchable unit / people pickers (type a name, pinyin initials or full pinyin, or a unit)
  ["tom-select/dist/js/tom-select.complete.min.js", "tom-select/tom-select.complete.min.js"],
  ["tom-select/dist/css/tom-select.bootstrap5.min.css", "tom-select/tom-select.bootstrap5.min.css"],
];
rmSync(out, { recursive: true, force: true });
for (const [src, dest] of files) {
  const target = join(out, dest);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(nm, src), target, { recursive: true });
}
console.log(`front-end assets copied to ${out}`);
