/**
 * The maintenance page: an ALB Lambda target, because a fixed-response action
 * cannot set the Retry-After header that well-behaved clients honour.
 */
export interface AlbResponse {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly isBase64Encoded: boolean;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function maintenanceResponse(env: Record<string, string | undefined> = process.env): AlbResponse {
  return {
    statusCode: 503,
    statusDescription: '503 Service Unavailable',
    isBase64Encoded: false,
    headers: {
      'Retry-After': env.RETRY_AFTER_SECONDS ?? '120',
      'Content-Type': env.CONTENT_TYPE ?? 'application/json',
      'Cache-Control': 'no-store',
    },
    body: env.BODY ?? '{"message":"Down for maintenance, back shortly."}',
  };
}

export const handler = async (): Promise<AlbResponse> => maintenanceResponse();
