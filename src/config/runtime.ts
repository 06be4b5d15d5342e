export const REQUIRED_NODE_MAJOR = 24;

/** The production runtime is Node.js 24 LTS; refuse to run on anything older. */
export function assertSupportedRuntime(nodeVersion: string): void {
  const major = Number(nodeVersion.split('.')[0]);
  if (!(major >= REQUIRED_NODE_MAJOR)) {
    throw new Error(`Node.js ${REQUIRED_NODE_MAJOR} or newer is required; this is Node.js ${nodeVersion}.`);
  }
}
