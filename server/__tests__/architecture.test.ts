import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { INTEGRATORS } from "@/server/integrators/registry";

// Guards of the layout CONTRIBUTING.md describes: they fail the build the day someone breaks it, not a review later.
const root = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "__tests__" || name === "node_modules" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Files a module loads when it is loaded: static imports and re-exports that are not type-only. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+["']([^"']+)["']/gms)) {
    const [, typeOnly, clause = "", spec = ""] = m;
    if (typeOnly) continue;
    const names = /^\{([^}]*)\}$/s.exec(clause.trim())?.[1];
    if (names && names.split(",").every((n) => !n.trim() || /^type\s/.test(n.trim()))) continue;
    const target = resolve(file, spec);
    if (target) found.push(target);
  }
  return found;
}

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith("@/")
    ? path.join(root, spec.slice(2))
    : spec.startsWith(".")
      ? path.resolve(path.dirname(from), spec)
      : null;
  if (!base) return null;
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, "index.ts"),
    path.join(base, "index.tsx"),
  ])
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return null;
}

const rel = (file: string) => path.relative(root, file);

/** A module's folder: `server/services/<domain>`, `server/<part>`, `db/<part>` (a top-level file is its own part). */
function folderOf(file: string): string {
  const parts = rel(file)
    .replace(/\.tsx?$/, "")
    .split("/");
  return parts.slice(0, parts[1] === "services" ? 3 : 2).join("/");
}

/** Tarjan's strongly connected components with more than one node: the import cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("architecture", () => {
  it("server/ and db/ have no import cycle between files", () => {
    const files = [...sourceFiles(path.join(root, "server")), ...sourceFiles(path.join(root, "db"))];
    const graph = new Map(files.map((f) => [rel(f), runtimeImports(f).map(rel)]));
    expect(graph.size).toBeGreaterThan(200);
    expect(cycles(graph)).toEqual([]);
  });

  it("the exchange engine is in no import cycle between folders: services use it, it uses only what lies below", () => {
    const files = [...sourceFiles(path.join(root, "server")), ...sourceFiles(path.join(root, "db"))];
    const graph = new Map<string, string[]>();
    for (const f of files) {
      const from = folderOf(f);
      const targets = runtimeImports(f)
        .map(folderOf)
        .filter((t) => t !== from);
      graph.set(from, [...new Set([...(graph.get(from) ?? []), ...targets])]);
    }
    expect(graph.get("server/services/exchange")?.length).toBeGreaterThan(3);
    const withEngine = cycles(graph).find((c) => c.includes("server/services/exchange"));
    expect(withEngine).toBeUndefined();
  });

  it("the exchange engine names no integrator: partner specifics live in the adapters", () => {
    const engine = sourceFiles(path.join(root, "server/services/exchange"));
    expect(engine.length).toBeGreaterThan(10);
    const names = Object.values(INTEGRATORS).flatMap((a) => [a.id, a.title]);
    const pattern = new RegExp(`\\b(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})\\b`, "i");
    const offenders = engine.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${path.relative(root, file)}:${i + 1}` }))
        .filter(({ line }) => pattern.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it("the worker process never loads next/*", () => {
    const seen = new Set<string>();
    const nextImports: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      if (/from\s+["']next(\/[^"']*)?["']/.test(text) && !/^\s*import\s+type\b[^;]*from\s+["']next/m.test(text))
        nextImports.push(path.relative(root, file));
      for (const target of runtimeImports(file)) walk(target);
    };
    walk(path.join(root, "server/worker/index.ts"));
    expect(seen.size).toBeGreaterThan(50);
    expect(nextImports).toEqual([]);
  });
});
