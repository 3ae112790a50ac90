// Preloaded into dependency-cruiser (`node --import`, see import-rules.ts).
// Its TypeScript extractor needs the compiler API that TypeScript 7 dropped,
// so .dependency-cruiser.cjs picks its swc extractor, which keeps every
// `import type`. That extractor has two gaps this file fills, until
// dependency-cruiser reads TypeScript 7 projects itself:
// - it walks the tree with @swc/core's Visitor, which predates `using` and
//   throws "Unknown statement type: UsingDeclaration"; for imports a `using`
//   binding is a variable declaration, so its declarators are visited;
// - it parses every file as plain TypeScript, so JSX in a .tsx file is a
//   syntax error; .tsx files are parsed with `tsx: true`.
import { createRequire } from "node:module";
import swcVisitor from "@swc/core/Visitor.js";

const { Visitor } = swcVisitor;
const visitStatement = Visitor.prototype.visitStatement;
const visitForOfStatement = Visitor.prototype.visitForOfStatement;

Visitor.prototype.visitStatement = function (stmt) {
  if (stmt.type !== "UsingDeclaration") return visitStatement.call(this, stmt);
  stmt.decls = this.visitVariableDeclarators(stmt.decls);
  return stmt;
};

Visitor.prototype.visitForOfStatement = function (stmt) {
  if (stmt.left.type !== "UsingDeclaration") return visitForOfStatement.call(this, stmt);
  stmt.left.decls = this.visitVariableDeclarators(stmt.left.decls);
  stmt.right = this.visitExpression(stmt.right);
  stmt.body = this.visitStatement(stmt.body);
  return stmt;
};

// Patched on the CommonJS exports before anything imports @swc/core as a
// module: dependency-cruiser's `import()` then sees the patched function.
const swc = createRequire(import.meta.url)("@swc/core");
const parseFileSync = swc.parseFileSync;
swc.parseFileSync = (path, options) =>
  parseFileSync(path, path.endsWith(".tsx") ? { ...options, tsx: true } : options);
