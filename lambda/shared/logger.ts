import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger for every handler; the service name tags each line. */
export const logger = new Logger({ serviceName: 'switchyard' });
