/** Record ids are an ObjectId's 24 lowercase hex digits, kept as strings; anything else names no record. */
export const OBJECT_ID_HEX = /^[0-9a-f]{24}$/;

export function isObjectIdHex(id: string): boolean {
  return OBJECT_ID_HEX.test(id);
}
