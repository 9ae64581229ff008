/**
 * Whether two lists of keys are the same, in order: the `equals` of a memo over the keys a `<For>`
 * renders, so a new array with the same keys re-renders nothing.
 */
export const sameKeys = (a: readonly string[], b: readonly string[]) =>
	a.length === b.length && a.every((key, i) => key === b[i]);
