import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateIf } from 'class-validator';

/**
 * How a request field may be left out. `required`: must be present; `absent`: may be left out but
 * not null; `clearable`: may be left out, and null removes the stored value (PATCH).
 */
export type Presence = 'required' | 'absent' | 'clearable';

/** The validation side of a presence: what lets an absent (or null) value through. */
export function presenceRules(mode: Presence): PropertyDecorator[] {
  if (mode === 'required') return [];
  if (mode === 'absent') return [ValidateIf((_object: object, value: unknown) => value !== undefined)];
  return [IsOptional()];
}

/** The OpenAPI side of a presence: required, optional, or optional and nullable. */
export function documentField(mode: Presence, options: Record<string, unknown>): PropertyDecorator {
  if (mode === 'required') return ApiProperty(options);
  return ApiPropertyOptional(mode === 'clearable' ? { ...options, nullable: true } : options);
}

/** The sentence a clearable field's description ends with. */
export function clearsNote(mode: Presence): string {
  return mode === 'clearable' ? ' `null` removes it.' : '';
}
