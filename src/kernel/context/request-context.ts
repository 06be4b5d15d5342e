import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

/**
 * Typed facade over the request's continuation-local store. Code below the controllers reads
 * who and what the request is about from here, never from the HTTP request itself.
 */
@Injectable()
export class RequestContext {
  constructor(private readonly cls: ClsService) {}

  /** True inside a request (or a job that opened its own context). */
  get isActive(): boolean {
    return this.cls.isActive();
  }

  get requestId(): string | undefined {
    return this.isActive ? this.cls.getId() : undefined;
  }
}
