// The exported names of the public entry points, read with the TypeScript compiler API (shared by
// test/public-api.test.ts and test/docs.test.ts).
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The entry points a user imports: `backprop`, `backprop/node` and `backprop/explain` (the ledger, with mathjs). */
export const ENTRIES = { backprop: 'src/index.ts', 'backprop/node': 'src/node.ts', 'backprop/explain': 'src/explain/index.ts' } as const;

/** One exported name: where it is exported, what it is, and whether its declaration has a doc comment. */
export interface ExportInfo {
  entry: keyof typeof ENTRIES;
  name: string;
  kind: string;
  documented: boolean;
  /** The doc comment has an `@example` block. */
  example: boolean;
  /** `src/…:line` of the declaration. */
  where: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));

let cached: ExportInfo[] | undefined;

/** Every export of every entry point, sorted by entry then name (computed once per process). */
export function publicExports(): ExportInfo[] {
  cached ??= readExports();
  return cached;
}

function readExports(): ExportInfo[] {
  const files = Object.values(ENTRIES).map((f) => root + f);
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true, skipLibCheck: true, noEmit: true, types: ['node'],
  });
  const checker = program.getTypeChecker();
  const out: ExportInfo[] = [];
  for (const [entry, file] of Object.entries(ENTRIES) as [keyof typeof ENTRIES, string][]) {
    const source = program.getSourceFile(root + file);
    if (!source) throw new Error(`cannot read ${file}`);
    const moduleSymbol = checker.getSymbolAtLocation(source)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = symbol.declarations ?? [];
      const decl = decls[0];
      const documented = decls.some((d) => hasDocComment(d)) || symbol.getDocumentationComment(checker).length > 0;
      const where = decl ? `${decl.getSourceFile().fileName.slice(root.length)}:${decl.getSourceFile().getLineAndCharacterOfPosition(decl.getStart()).line + 1}` : '?';
      const example = symbol.getJsDocTags(checker).some((t) => t.name === 'example');
      out.push({ entry, name: exported.name, kind: decl ? kindOf(decl) : 'unknown', documented, example, where });
    }
  }
  return out.sort((a, b) => (a.entry === b.entry ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.entry < b.entry ? -1 : 1));
}

/** True when the declaration (or the statement of a `const`) carries a doc comment (slash, two stars). */
export function hasDocComment(decl: ts.Declaration): boolean {
  // NOTE: a `const` carries its comment on the variable statement two levels up.
  let node: ts.Node = decl;
  if (ts.isVariableDeclaration(node)) node = node.parent.parent;
  return ts.getJSDocCommentsAndTags(node).some((d) => ts.isJSDoc(d) && (d.comment !== undefined || (d.tags?.length ?? 0) > 0));
}

function kindOf(decl: ts.Declaration): string {
  if (ts.isClassDeclaration(decl)) return 'class';
  if (ts.isFunctionDeclaration(decl)) return 'function';
  if (ts.isInterfaceDeclaration(decl)) return 'interface';
  if (ts.isTypeAliasDeclaration(decl)) return 'type';
  if (ts.isVariableDeclaration(decl)) return 'const';
  if (ts.isEnumDeclaration(decl)) return 'enum';
  return ts.SyntaxKind[decl.kind];
}
