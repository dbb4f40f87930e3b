/** Largest number of parameters a model file may declare (guards against absurd sizes). */
export const MAX_PARAMETERS = 50_000_000;

/** Largest number of layers a model file may hold. */
export const MAX_LAYERS = 1000;
