import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ROUTE_ACCESS, RouteAccess } from '#src/kernel/auth/route-access.decorators';

export interface RegisteredRoute {
  /** Controller.method, for messages. */
  readonly handler: string;
  readonly method: string;
  /** Under the global prefix, Express syntax: /v1/members/:id */
  readonly path: string;
  readonly access: RouteAccess | undefined;
}

/** Every controller route the running app registered, with its access marker (if any). */
export function registeredRoutes(app: INestApplication, prefix = '/v1'): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const segments = [Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler)]
          .map((p) => String(p ?? '').replace(/^\/|\/$/g, ''))
          .filter(Boolean);
        routes.push({
          handler: `${controller.name}.${name}`,
          method: RequestMethod[method],
          path: `${prefix}/${segments.join('/')}`,
          access: (Reflect.getMetadata(ROUTE_ACCESS, handler) ?? Reflect.getMetadata(ROUTE_ACCESS, controller)) as RouteAccess | undefined,
        });
      }
    }
  }
  return routes;
}
