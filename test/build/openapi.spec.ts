import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const committed = JSON.parse(readFileSync(join(ROOT, 'openapi', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};

interface Operation {
  operationId?: string;
  security?: unknown[];
  description?: string;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

const operations = Object.entries(committed.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op })),
);

describe('openapi/openapi.json', () => {
  it('is exactly what the built app generates (run `npm run openapi` after changing the API)', () => {
    const generated = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'openapi.js')], { encoding: 'utf8' });
    expect(generated.status).toBe(0);
    expect(generated.stdout).toBe(readFileSync(join(ROOT, 'openapi', 'openapi.json'), 'utf8'));
  });

  it('gives every operation a unique operationId and a description', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations.filter(({ op }) => !op.description).map(({ path }) => path)).toEqual([]);
  });

  it('states the security of every operation (an empty list only for deliberately public routes)', () => {
    expect(operations.filter(({ op }) => !Array.isArray(op.security)).map(({ path }) => path)).toEqual([]);
    const publicOps = operations.filter(({ op }) => op.security?.length === 0).map(({ path }) => path);
    expect(publicOps.sort()).toEqual(['/health/live', '/health/ready', '/version']);
  });

  it('offers no request field or parameter that could name a tenant', () => {
    const spec = JSON.stringify(committed);
    const doc = committed as unknown as { components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> } };
    const requestSchemas = Object.entries(doc.components?.schemas ?? {}).filter(([name]) => !name.endsWith('Dto') || /(Create|Update|Patch|Request|Query|Body|Input)/.test(name));
    for (const [, schema] of requestSchemas) {
      for (const field of ['tenantId', 'tenant', 'orgId']) expect(Object.keys(schema.properties ?? {})).not.toContain(field);
    }
    expect(spec).not.toMatch(/"name":\s*"(tenantId|tenant|orgId)"/);
  });

  it('closes every request body schema it names, nested ones too (the validation pipe refuses unknown fields)', () => {
    const schemas = (committed as unknown as { components: { schemas: Record<string, { type?: string; additionalProperties?: unknown }> } }).components.schemas;
    const open: string[] = [];
    const visit = (node: unknown, seen: Set<string>): void => {
      if (node === null || typeof node !== 'object') return;
      const ref = (node as { $ref?: unknown }).$ref;
      if (typeof ref === 'string') {
        const name = ref.replace('#/components/schemas/', '');
        if (seen.has(name)) return;
        seen.add(name);
        if (schemas[name].type === 'object' && schemas[name].additionalProperties !== false) open.push(name);
        return visit(schemas[name], seen);
      }
      Object.values(node).forEach((child) => visit(child, seen));
    };
    const bodies = operations.flatMap(({ op }) => Object.values((op as { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }).requestBody?.content ?? {}));
    const named = bodies.filter((media) => typeof media.schema?.$ref === 'string');
    expect(named.length).toBeGreaterThan(10);
    const seen = new Set<string>();
    named.forEach((media) => visit(media.schema, seen));
    expect(open).toEqual([]);
  });

  it('documents problem+json error responses, 500 included, on every operation', () => {
    for (const { path, method, op } of operations) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      expect({ path, method, has500: '500' in op.responses }).toEqual({ path, method, has500: true });
      for (const [, response] of errors) {
        expect(response.content?.['application/problem+json']?.schema?.$ref).toBe('#/components/schemas/ProblemDto');
      }
    }
  });
});
