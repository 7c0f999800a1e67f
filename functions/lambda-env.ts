/** Reads a required Lambda environment variable, failing at cold start rather than mid-request. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
