import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { Connection } from 'mongoose';
import { Public } from '#src/kernel/auth/route-access.decorators';

class ProbeContactDto {
  @IsString()
  @MaxLength(50)
  name!: string;

  @IsEmail()
  email!: string;
}

class ProbeEchoDto {
  @IsString()
  @MaxLength(20)
  title!: string;

  @IsInt()
  @Min(0)
  @Max(1_000_000)
  valueMinor!: number;

  @ValidateNested()
  @Type(() => ProbeContactDto)
  contact!: ProbeContactDto;
}

/**
 * Test-only routes mounted into the real app, to reach paths no feature exercises yet: a DTO
 * to validate, an unexpected error, a database read, a declared query parameter.
 */
@Public()
@Controller('probe')
class ProbeController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Post('echo')
  echo(@Body() body: ProbeEchoDto): ProbeEchoDto {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('connection string mongodb://admin:hunter2@db/secret leaked');
  }

  @Get('db')
  async db(): Promise<{ count: number }> {
    return { count: await this.connection.collection('probe').countDocuments({}) };
  }

  @Get('query')
  query(@Query('name') name?: string): { name: string | null } {
    return { name: name ?? null };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
