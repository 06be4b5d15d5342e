import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';
}

export class ReadinessChecksDto {
  @ApiProperty({ enum: ['up'], description: 'The database answered a ping.' })
  database!: 'up';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';

  @ApiProperty({ type: ReadinessChecksDto, description: 'State of each dependency checked.' })
  checks!: ReadinessChecksDto;
}

export class VersionDto {
  @ApiProperty({ example: '0.1.0', maxLength: 64, pattern: '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$' })
  version!: string;

  @ApiProperty({
    description: 'Source commit the build was made from, or "unknown".',
    maxLength: 64,
    pattern: '^([0-9a-f]{7,64}|unknown)$',
  })
  commit!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', maxLength: 64 })
  builtAt!: string | null;
}
