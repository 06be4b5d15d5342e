import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { refusedKeyReason } from './json-body-shape';

interface RouteArgMetadata {
  data?: unknown;
}

/**
 * Unknown query parameters are a 400 everywhere. A handler with a whole-object @Query() DTO is
 * left to the validation pipe (forbidNonWhitelisted); any other handler accepts only the names it
 * reads with @Query('name'), and none when it reads no query at all. Names no DTO could declare
 * (`constructor`, `__proto__`, `$…`, dotted) are refused on every route first: class-transformer
 * would drop some of them silently, so the whitelist never saw them.
 */
@Injectable()
export class UndeclaredQueryInterceptor implements NestInterceptor {
  private readonly declared = new WeakMap<object, Set<string> | 'dto'>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const declared = this.declaredFor(context);
    const query = context.switchToHttp().getRequest<Request>().query;
    const reserved = Object.keys(query).filter((name) => refusedKeyReason(name) !== undefined);
    if (reserved.length > 0) throw unknownParameters(reserved);
    if (declared !== 'dto') {
      const unknown = Object.keys(query).filter((name) => !declared.has(name));
      if (unknown.length > 0) throw unknownParameters(unknown);
    }
    return next.handle();
  }

  private declaredFor(context: ExecutionContext): Set<string> | 'dto' {
    const handler = context.getHandler();
    const cached = this.declared.get(handler);
    if (cached) return cached;
    const args: Record<string, RouteArgMetadata> =
      Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
    const queryArgs = Object.entries(args)
      .filter(([key]) => Number(key.split(':')[0]) === RouteParamtypes.QUERY)
      .map(([, meta]) => meta.data);
    const result = queryArgs.some((data) => data === undefined)
      ? ('dto' as const)
      : new Set(queryArgs.filter((d): d is string => typeof d === 'string'));
    this.declared.set(handler, result);
    return result;
  }
}

function unknownParameters(names: string[]): DomainError {
  return new DomainError('unknown_query_parameter', `Unknown query parameter: ${names.join(', ')}.`, {
    errors: names.map((name) => ({ field: `/${name}`, message: 'is not accepted by this operation' })),
  });
}
