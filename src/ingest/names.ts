/**
 * Lower-case particles inside names ("Ursula von der Leyen", "Abdullah ibn Saud", "Rafael dos
 * Santos"), in one place. Derived tags read running text in any language, where several particles
 * are everyday words (German "der" and "den", Spanish "el" and "dos", Dutch "ten"): letting them
 * join capitalised words made "Version der Datenbank" a tag. So bylines, known to hold names, read
 * all of them, and running text only the first list.
 */
const PARTICLES_IN_ANY_TEXT = ['de', 'del', 'al', 'bin', 'van', 'von', 'la', 'le', 'du', 'da', 'di'];
const PARTICLES_IN_BYLINES_ONLY = ['der', 'den', 'el', 'ibn', 'dos', 'ten', 'ter'];

/** Particles that may join two capitalised words of running text into one name. */
export const TEXT_NAME_PARTICLES: ReadonlySet<string> = new Set(PARTICLES_IN_ANY_TEXT);

/** Particles a byline or bio name may hold. */
export const BYLINE_NAME_PARTICLES: ReadonlySet<string> = new Set([
  ...PARTICLES_IN_ANY_TEXT,
  ...PARTICLES_IN_BYLINES_ONLY,
]);
