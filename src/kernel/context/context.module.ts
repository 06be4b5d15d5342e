import { Global, Module } from '@nestjs/common';
import { ClsModule } from 'nestjs-cls';
import { RequestContext } from './request-context';

/**
 * The request context store. The middleware that opens it is mounted by configureApp right
 * after the request id, so even requests refused by the body parser run inside a context.
 */
@Global()
@Module({
  imports: [ClsModule.forRoot({ global: true, middleware: { mount: false } })],
  providers: [RequestContext],
  exports: [RequestContext],
})
export class ContextModule {}
