import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';

  @ApiProperty({ description: 'State of each dependency checked.', example: { database: 'up' } })
  checks!: Record<string, 'up'>;
}

export class VersionDto {
  @ApiProperty({ example: '0.1.0', maxLength: 64 })
  version!: string;

  @ApiProperty({ description: 'Source commit the build was made from, or "unknown".', maxLength: 64 })
  commit!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', maxLength: 64 })
  builtAt!: string | null;
}
