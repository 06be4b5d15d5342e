import express from 'express';
import { RouteTable } from './route-table';

describe('RouteTable', () => {
  const app = express();
  app.get('/v1/leads', () => undefined);
  app.post('/v1/leads', () => undefined);
  app.get('/v1/leads/:id', () => undefined);
  app.delete('/v1/leads/:id', () => undefined);
  const table = RouteTable.fromExpress(app);

  it('lists the methods of every route matching a path, HEAD with GET', () => {
    expect(table.allowedMethods('/v1/leads')).toEqual(['GET', 'HEAD', 'POST']);
    expect(table.allowedMethods('/v1/leads/abc')).toEqual(['DELETE', 'GET', 'HEAD']);
  });

  it('finds nothing for an unknown path or a malformed escape', () => {
    expect(table.allowedMethods('/v1/partners')).toEqual([]);
    expect(table.allowedMethods('/v1/leads/%E0%A4%A')).toEqual([]);
  });
});
