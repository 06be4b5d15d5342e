import { PipeTransform } from '@nestjs/common';
import { ROLES } from '#src/kernel/auth/permissions';
import type { Role } from '#src/kernel/context/request-context';
import { DomainError } from '#src/kernel/errors/domain-error';

/** `{role}` in a path is one of the four roles; anything else is an unknown resource. */
export class RoleParamPipe implements PipeTransform<string, Role> {
  transform(value: string): Role {
    if ((ROLES as readonly string[]).includes(value)) return value as Role;
    throw new DomainError('not_found', 'There is no such role.');
  }
}
