import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { MaxCodePoints } from '#src/kernel/http/code-point-length';
import { withinLength } from '#src/kernel/http/field-transforms';
import { PageMetaDto } from '#src/kernel/http/pagination';
import { Membership, MEMBERSHIP_STATUSES, MembershipStatus, Role, ROLES } from '../domain/membership';

export class MemberDto {
  @ApiProperty({ description: 'Membership id.', pattern: '^[0-9a-f]{24}$', maxLength: 24 })
  id!: string;

  @ApiProperty({ description: "The user's token subject (Auth0 `sub`); null while the invitation is pending.", maxLength: 256, pattern: '^\\S+$', nullable: true, type: String })
  sub!: string | null;

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
      sub: m.sub ?? null,
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

const OBJECT_ID = /^[0-9a-f]{24}$/;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().normalize('NFC') : value);

export class AddMemberDto {
  @ApiPropertyOptional({ description: 'Auth0 subject; omit to invite by email (pending until first sign-in).', maxLength: 256, pattern: '^\\S+$' })
  @IsOptional()
  @Transform(withinLength(256, trim))
  @IsString()
  @MaxCodePoints(256)
  @Matches(/^\S+$/)
  sub?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 320 })
  @IsOptional()
  @Transform(withinLength(320, trim))
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ description: 'Required for Partner and Agent; absent for Admin and Staff.', pattern: '^[0-9a-f]{24}$', maxLength: 24 })
  @IsOptional()
  @IsString()
  @Matches(OBJECT_ID)
  partnerId?: string;
}

export class UpdateMemberDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'A partner of this tenant, or null to remove the affiliation.', pattern: '^[0-9a-f]{24}$', maxLength: 24, nullable: true, type: String })
  @ValidateIf((_o, value) => value !== null && value !== undefined)
  @IsString()
  @Matches(OBJECT_ID)
  partnerId?: string | null;
}
