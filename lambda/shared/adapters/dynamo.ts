import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdkClient } from './clients';

/** The document client the table adapters share. */
export const dynamo = sdkClient('dynamo', (c) => DynamoDBDocumentClient.from(new DynamoDBClient(c), { marshallOptions: { removeUndefinedValues: true } }));
