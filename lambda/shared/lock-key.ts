/** The lock's key (and the ledger's partition) of a service in an environment. */
export const lockKey = (service: string, environment: string) => `${service}#${environment}`;
