import { routeAction } from './audit-action';

describe('routeAction', () => {
  it.each([
    ['GET', '/v1/leads', 'lead.list', 'lead', undefined],
    ['GET', '/v1/leads/:id', 'lead.read', 'lead', 'id'],
    ['GET', '/v1/leads/export', 'lead.export', 'lead', undefined],
    ['POST', '/v1/leads', 'lead.create', 'lead', undefined],
    ['PATCH', '/v1/leads/:id', 'lead.update', 'lead', 'id'],
    ['DELETE', '/v1/leads/:id', 'lead.delete', 'lead', 'id'],
    ['POST', '/v1/leads/:id/approve', 'lead.approve', 'lead', 'id'],
    ['POST', '/v1/opportunities/:id/reopen', 'opportunity.reopen', 'opportunity', 'id'],
    ['PUT', '/v1/roles/:role', 'role.update', 'role', 'role'],
    ['GET', '/v1/tenant/settings', 'tenant-settings.read', 'tenant-settings', undefined],
    ['PATCH', '/v1/tenant/settings', 'tenant-settings.update', 'tenant-settings', undefined],
    ['GET', '/v1/me', 'session.read', 'session', undefined],
    ['GET', '/v1/audit-events/:id', 'audit-event.read', 'audit-event', 'id'],
    ['GET', '/v1/audit-events/verify', 'audit-event.verify', 'audit-event', undefined],
  ])('%s %s is %s on a %s', (method, route, action, targetType, idParam) => {
    expect(routeAction(method, route)).toEqual({ action, targetType, ...(idParam ? { idParam } : {}) });
  });
});
