/**
 * The sort key that orders records by name in list indexes, and serves name prefix search:
 * lower case, accents removed and spaces folded, so `Zoë  Smith` sorts and matches as
 * `zoe smith`. The id is appended so that equal names still have distinct, stable positions.
 */
export const normalizeName = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();

export const nameSortKey = (name: string, id: string) => `${normalizeName(name)}#${id}`;
