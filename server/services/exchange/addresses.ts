/** This deployment's own XML API (PUBLIC_URL, or this machine): the default endpoint of a partner on the same server. */
export function selfApiUrl(): string {
  const pub = process.env.PUBLIC_URL;
  if (pub) return new URL("api/", pub.endsWith("/") ? pub : `${pub}/`).toString();
  return `http://127.0.0.1:${process.env.PORT ?? "3000"}/api/`;
}

/** Where a partner posts this integration's webhooks: the one hook route, `/api/hooks/<integrator>/<key>`. */
export function hookUrl(integrator: string, hookKey: string | null): string | undefined {
  if (!hookKey) return undefined;
  return new URL(`hooks/${integrator}/${hookKey}`, selfApiUrl()).toString();
}
