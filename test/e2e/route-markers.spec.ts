import { registeredRoutes } from '../utils/routes';
import { startTestApp, TestApp } from '../utils/test-app';

// Deny by default: every route must say who may call it. This walks every controller method the
// application registered, so a route added later without a marker fails here.
describe('route access markers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ label: 'route-markers' });
  });
  afterAll(() => t.close());

  it('finds the routes (the walk is not vacuous)', () => {
    expect(registeredRoutes(t.app).length).toBeGreaterThanOrEqual(5);
  });

  it('has an access marker on every route', () => {
    expect(registeredRoutes(t.app).filter((r) => !r.access).map((r) => `${r.handler} (${r.method} ${r.path})`)).toEqual([]);
  });
});
