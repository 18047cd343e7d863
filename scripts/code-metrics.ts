/**
 * Prints the size of each source tree: lines, files, functions (median and the largest), and the
 * relative imports that cross from one folder into another. The shape work (issue 22) reports
 * these before and after; nothing asserts on them.
 *
 * Usage: `node -r ts-node/register/transpile-only scripts/code-metrics.ts [tree...]`
 * (default: `lib packages/emulator/src`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
/** Folders every other folder may import: what all the others share. */
const GROUND_FOLDERS = new Set(["shared", "ground"]);

interface FunctionSize {
  readonly where: string;
  readonly name: string;
  readonly lines: number;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

function functionName(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name !== undefined) {
    return node.name.getText();
  }
  if (ts.isConstructorDeclaration(node)) {
    const owner = node.parent;
    return `${ts.isClassDeclaration(owner) && owner.name ? owner.name.text : "class"} constructor`;
  }
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText();
  }
  return "(anonymous)";
}

function isFunctionLike(node: ts.Node): boolean {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node)
  );
}

function functionSizes(file: string, tree: string): FunctionSize[] {
  const text = fs.readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const sizes: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    // Short callbacks inside a function count toward their parent, not as functions of their own.
    const named =
      isFunctionLike(node) &&
      !(
        (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) &&
        ts.isCallExpression(node.parent)
      );
    if (named) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      sizes.push({
        where: path.relative(tree, file),
        name: functionName(node),
        lines: end - start + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sizes;
}

/** Relative imports whose target lies outside the importing file's own folder and its subfolders. */
function crossFolderImports(file: string, tree: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/from\s+"(\.\.\/[^"]+)"/g)) {
    const target = path.resolve(path.dirname(file), match[1]);
    if (!target.startsWith(tree)) continue;
    found.push(`${path.relative(tree, file)} -> ${path.relative(tree, target)}`);
  }
  return found;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function report(treeArg: string): void {
  const tree = path.resolve(ROOT, treeArg);
  const files = sourceFiles(tree);
  const lines = files.reduce((n, f) => n + fs.readFileSync(f, "utf8").split("\n").length - 1, 0);
  const functions = files.flatMap((f) => functionSizes(f, tree));
  const imports = files.flatMap((f) => crossFolderImports(f, tree));
  const sideways = imports.filter((i) => !GROUND_FOLDERS.has(i.split(" -> ")[1].split("/")[0]));
  const loose = files.filter((f) => path.dirname(f) === tree).length;
  console.log(`## ${treeArg}`);
  console.log(
    `${lines} lines, ${files.length} files (${loose} at the root), ${functions.length} functions, ` +
      `median ${median(functions.map((f) => f.lines))} lines, ${imports.length} imports that leave their folder ` +
      `(${sideways.length} not into ${[...GROUND_FOLDERS].join("/")})`,
  );
  console.log("largest functions:");
  for (const f of [...functions].sort((a, b) => b.lines - a.lines).slice(0, 10)) {
    console.log(`  ${String(f.lines).padStart(4)}  ${f.where} ${f.name}`);
  }
  if (process.env.SHOW_IMPORTS) for (const i of sideways) console.log(`  import ${i}`);
}

const trees = process.argv.slice(2);
for (const tree of trees.length > 0 ? trees : ["lib", "packages/emulator/src"]) report(tree);
