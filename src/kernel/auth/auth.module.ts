import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessGuard } from './access.guard';
import { JwtStrategy } from './jwt.strategy';
import { SigningKeys } from './signing-keys';

/**
 * Token verification and the global authentication guard. TenantDirectory and
 * MembershipDirectory are provided by the features (exported from their modules as globals).
 */
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [SigningKeys, JwtStrategy, { provide: APP_GUARD, useClass: AccessGuard }],
})
export class AuthModule {}
