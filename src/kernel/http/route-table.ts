import type { Express } from 'express';
import { METHODS } from 'node:http';
import { match, MatchFunction } from 'path-to-regexp';

interface RouteEntry {
  readonly path: string;
  readonly matches: MatchFunction<object>;
  readonly methods: readonly string[];
}

/**
 * The routes Express ended up with, so a request that misses every route can be told apart:
 * an unknown path (404) or a known path with another method (405 with Allow).
 */
export class RouteTable {
  private constructor(private readonly routes: readonly RouteEntry[]) {}

  static fromExpress(app: Express): RouteTable {
    const stack = (app as unknown as { router?: { stack: ExpressLayer[] } }).router?.stack ?? [];
    const routes = stack
      .filter((layer): layer is Required<ExpressLayer> => layer.route !== undefined)
      // Middleware Nest mounts per route (nestjs-pino binds its logger on `/v1{/*splat}` for every
      // method) is not an endpoint: counting it would make every /v1 path accept every method.
      .filter((layer) => Object.keys(layer.route.methods).length < METHODS.length)
      .map((layer) => ({
        path: layer.route.path,
        matches: match(layer.route.path, { decode: decodeURIComponent }),
        methods: Object.keys(layer.route.methods).map((m) => m.toUpperCase()),
      }));
    return new RouteTable(routes);
  }

  /** Every route as registered (Express path syntax, e.g. /v1/members/:id) with its methods. */
  list(): { path: string; methods: readonly string[] }[] {
    return this.routes.map(({ path, methods }) => ({ path, methods }));
  }

  /** Methods accepted on this path; empty when no route matches it at all. */
  allowedMethods(path: string): string[] {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      if (matchesPath(route, path)) route.methods.forEach((m) => allowed.add(m));
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  }
}

function matchesPath(route: RouteEntry, path: string): boolean {
  try {
    return route.matches(path) !== false;
  } catch {
    return false; // a malformed percent-escape matches nothing
  }
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}
