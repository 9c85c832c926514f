/**
 * Loads a devDependency a simulation needs (dynalite, graphql-http). They are loaded only when the
 * sandbox starts, so the production image (which prunes devDependencies) never needs them; without
 * them the sandbox says what to do instead of printing a module resolution stack.
 */
export function loadDevDependency<T>(name: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if ((err as { code?: string }).code === 'MODULE_NOT_FOUND') {
      throw new Error(
        `the sandbox simulates backends with ${name}, a development dependency that is not installed here. Run \`npm ci\` (with devDependencies) in a clone of the repository, then \`npm start\`.`,
      );
    }
    throw err;
  }
}
