import { Controller, Get, Module } from '@nestjs/common';

/** A route someone forgot to mark: the guard must refuse it. Test-only. */
@Controller('unmarked')
class UnmarkedController {
  @Get()
  open(): { open: true } {
    return { open: true };
  }
}

@Module({ controllers: [UnmarkedController] })
export class UnmarkedModule {}
