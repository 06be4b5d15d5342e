import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ROUTE_ACCESS } from '#src/kernel/auth/route-access.decorators';
import { startTestApp, TestApp } from '../utils/test-app';

// Deny by default: every route must say who may call it. This walks every controller method the
// application registered, so a route added later without a marker fails here.
describe('route access markers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ label: 'route-markers' });
  });
  afterAll(() => t.close());

  function routes(): { route: string; marked: boolean }[] {
    const found: { route: string; marked: boolean }[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
        if (!controller) continue;
        const proto = controller.prototype as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(proto)) {
          const handler = proto[name];
          if (name === 'constructor' || typeof handler !== 'function') continue;
          if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
          const path = `${String(Reflect.getMetadata(PATH_METADATA, controller))}/${String(Reflect.getMetadata(PATH_METADATA, handler))}`;
          const marked = Reflect.getMetadata(ROUTE_ACCESS, handler) !== undefined || Reflect.getMetadata(ROUTE_ACCESS, controller) !== undefined;
          found.push({ route: `${controller.name}.${name} (${path})`, marked });
        }
      }
    }
    return found;
  }

  it('finds the routes (the walk is not vacuous)', () => {
    expect(routes().length).toBeGreaterThanOrEqual(5);
  });

  it('has an access marker on every route', () => {
    expect(routes().filter((r) => !r.marked).map((r) => r.route)).toEqual([]);
  });
});
