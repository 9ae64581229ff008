/**
 * The room protocol's version, said by a client in `hello` and by the room in `welcome`. A leaf
 * module (no imports) so that scripts run by plain Node, like the benchmarks, can read it.
 */
export const PROTOCOL_VERSION = 5;
