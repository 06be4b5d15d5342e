import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMetaDto } from '#src/kernel/http/pagination';
import { Membership, MEMBERSHIP_STATUSES, MembershipStatus, Role, ROLES } from '../domain/membership';

export class MemberDto {
  @ApiProperty({ description: 'Membership id.', pattern: '^[0-9a-f]{24}$', maxLength: 24 })
  id!: string;

  @ApiProperty({ description: "The user's token subject (Auth0 `sub`).", maxLength: 256, pattern: '^\\S+$' })
  sub!: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 320 })
  email?: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiPropertyOptional({ pattern: '^[0-9a-f]{24}$', maxLength: 24 })
  partnerId?: string;

  @ApiProperty({ enum: MEMBERSHIP_STATUSES })
  status!: MembershipStatus;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  updatedAt!: string;

  static from(m: Membership): MemberDto {
    return {
      id: m.id,
      sub: m.sub,
      email: m.email,
      role: m.role,
      partnerId: m.partnerId,
      status: m.status,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    };
  }
}

export class MemberPageDto extends PageMetaDto {
  @ApiProperty({ type: [MemberDto], maxItems: 200 })
  data!: MemberDto[];
}
