import { Global, Module } from '@nestjs/common';
import { RowScope } from './row-scope';

/** RowScope for every feature repository, in the API and in the operator CLI alike. */
@Global()
@Module({ providers: [RowScope], exports: [RowScope] })
export class RowScopeModule {}
